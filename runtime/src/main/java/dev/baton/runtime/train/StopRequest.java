package dev.baton.runtime.train;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request to end training early (Ctrl-C): the loop finishes the step in flight (and the next
 * one when the last left Adam gradients accumulating), writes a checkpoint and returns.
 */
public final class StopRequest {
    private final AtomicBoolean requested = new AtomicBoolean();

    /** Asks the loop to stop at the next step boundary; safe from any thread. */
    public void request() {
        requested.set(true);
    }

    public boolean requested() {
        return requested.get();
    }
}
