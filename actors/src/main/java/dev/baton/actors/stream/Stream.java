package dev.baton.actors.stream;

import java.util.function.Consumer;

/**
 * An in-order queue of device commands with the semantics of a CUDA stream: commands run one
 * after another in enqueue order, {@link #waitFor} makes every later command wait for an event
 * of another stream, and {@link #record} returns an event that fires when everything enqueued
 * so far has run. Enqueueing never blocks the caller. A failed command makes the stream fail
 * for good (a sticky error, as in CUDA): later commands are skipped and its events fail.
 *
 * <p>Only the owner (one actor) enqueues; the stream is not meant for concurrent enqueuers.
 */
public interface Stream extends AutoCloseable {
    /** The device this stream belongs to, e.g. "cpu:1". */
    String device();

    /** The stream's role on its device, e.g. "compute" or "comm". */
    String name();

    /** Enqueues a command that runs after every earlier command and every awaited event. */
    void enqueue(CommandInfo info, StreamCommand command);

    /** Every command enqueued after this call waits until {@code event} fired. */
    void waitFor(Event event);

    /** An event that fires once every command enqueued so far has finished. */
    Event record();

    /** The error that failed this stream, or null while it is healthy. */
    Throwable failure();

    /** Called once, on the stream's thread, when the stream fails (immediately if it already has). */
    void onFailure(Consumer<Throwable> listener);

    /** Total nanoseconds the stream spent running commands (not waiting), since creation. */
    long busyNanos();

    /** Fails the stream now: pending commands are dropped, a running wait is interrupted, events fail. */
    void abort(Throwable cause);

    /** Stops the stream's thread; pending commands are dropped and their events fail. */
    @Override
    void close();
}
