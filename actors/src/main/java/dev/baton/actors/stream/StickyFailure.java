package dev.baton.actors.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A stream's first failure, kept for good: every later command fails with it, and each listener
 * hears it once (at once if it registers after the failure). Shared by the CPU and CUDA streams,
 * whose sticky-error contract is the same.
 */
public final class StickyFailure {
    private final List<Consumer<Throwable>> listeners = new ArrayList<>();
    private final Object lock = new Object();
    private volatile Throwable failure;

    /** The first failure, or null while the stream is healthy. */
    public Throwable get() {
        return failure;
    }

    /** Calls {@code listener} with the first failure: now if there is one, else when it happens. */
    public void onFailure(Consumer<Throwable> listener) {
        Throwable f;
        synchronized (lock) {
            f = failure;
            if (f == null) {
                listeners.add(listener);
                return;
            }
        }
        listener.accept(f);
    }

    /**
     * Records {@code cause} unless a failure is already recorded; then runs {@code onFirst} (the
     * stream fails its pending events) and, when {@code notify}, tells the listeners. A later call
     * changes nothing.
     */
    public void fail(Throwable cause, boolean notify, Runnable onFirst) {
        List<Consumer<Throwable>> told;
        synchronized (lock) {
            if (failure != null) {
                return;
            }
            failure = cause;
            told = notify ? List.copyOf(listeners) : List.of();
            listeners.clear();
        }
        onFirst.run();
        for (Consumer<Throwable> l : told) {
            l.accept(cause);
        }
    }
}
