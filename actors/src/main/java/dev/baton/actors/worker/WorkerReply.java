package dev.baton.actors.worker;

import dev.baton.runtime.train.LossSum;

/** What a {@link DeviceWorker} tells the run coordinator. */
public sealed interface WorkerReply {
    int rank();

    /** The worker created its work and streams and takes steps. */
    record Ready(int rank) implements WorkerReply {
    }

    /** Step {@code step} finished on this rank: every all-gather landed. */
    record StepDone(int rank, long step, double loss, StepTimings timings) implements WorkerReply {
    }

    /** The worker failed; {@code message} names the device, what it was doing and the cause. */
    record WorkerFailed(int rank, String device, String message, Throwable cause) implements WorkerReply {
    }

    record Evaluated(int rank, long step, LossSum result) implements WorkerReply {
    }

    record Saved(int rank, long step) implements WorkerReply {
    }

    record Loaded(int rank, long step) implements WorkerReply {
    }
}
