package dev.baton.actors.worker;

/** Messages a {@link DeviceWorker} sends itself when its streams report back; not part of the protocol. */
sealed interface WorkerSignal extends WorkerCommand {
    /** Both streams drained at the end of a step; {@code failure} is null on success. */
    record StepDrained(long step, double loss, Throwable failure) implements WorkerSignal {
    }

    /** An evaluation, checkpoint save or load finished; {@code failure} is null on success. */
    record IoDone(WorkerReply reply, Throwable failure) implements WorkerSignal {
    }

    /** A stream failed (reported by the stream's thread through its failure listener). */
    record StreamFailed(Throwable cause) implements WorkerSignal {
    }

    /** The streams drained before a graceful stop, or the drain timed out. */
    record Drained(boolean timedOut) implements WorkerSignal {
    }
}
