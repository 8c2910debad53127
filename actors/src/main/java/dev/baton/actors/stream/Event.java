package dev.baton.actors.stream;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A marker recorded on a stream that fires once every command enqueued on that stream before
 * it has finished, with the semantics of a CUDA event. Another stream can wait on it without
 * blocking the thread that enqueues; an actor observes it through {@link #completion()}.
 */
public interface Event {
    /** Where the event was recorded, e.g. "cpu:1/comm". */
    String source();

    /** Sequence number of the last command enqueued on the source stream before the event (-1: none). */
    long afterCommand();

    /** True once the event fired or failed. */
    boolean isDone();

    /** Completes when the event fires; completes exceptionally when its stream failed or was aborted. */
    CompletionStage<Void> completion();

    /**
     * Blocks the calling thread until the event fires. For stream threads and edges only, never
     * an actor's thread.
     *
     * @throws StreamFailure when the event failed, did not fire within {@code timeout}, or the
     *                       wait was interrupted
     */
    void await(Duration timeout);
}
