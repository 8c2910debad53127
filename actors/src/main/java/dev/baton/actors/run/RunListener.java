package dev.baton.actors.run;

import dev.baton.actors.work.EvalResult;

import java.nio.file.Path;

/**
 * Progress hooks of a run (progress bar, logs, metrics). Called on the coordinator's thread:
 * keep them quick and never block.
 */
public interface RunListener {
    RunListener NONE = new RunListener() {
    };

    default void started(int world, long firstStep, long steps) {
    }

    default void stepDone(StepReport report) {
    }

    /** Validation of the model after {@code stepsDone} steps (0: the initial model). */
    default void evaluated(long stepsDone, EvalResult result) {
    }

    default void checkpointed(long nextStep, Path dir) {
    }

    /** Something the user should know that does not stop the run (e.g. a checkpoint deferred). */
    default void notice(String message) {
    }

    default void finished(RunResult result) {
    }
}
