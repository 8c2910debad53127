package dev.baton.actors.run;

import dev.baton.actors.worker.WorkerReply;

/** The messages {@link RunCoordinator} receives: a stop request from outside, workers' replies, its phase timer. */
public sealed interface CoordinatorCommand
        permits CoordinatorCommand.RequestStop, CoordinatorCommand.FromWorker, CoordinatorCommand.PhaseTimeout {

    /** Stop the run (Ctrl-C, a test, a caller's deadline). */
    record RequestStop(StopMode mode) implements CoordinatorCommand {
    }

    /** A worker's reply, adapted. */
    record FromWorker(WorkerReply reply) implements CoordinatorCommand {
    }

    /** The current phase's timer; stale tokens are ignored. */
    record PhaseTimeout(long token) implements CoordinatorCommand {
    }
}
