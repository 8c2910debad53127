package dev.baton.actors.run;

import dev.baton.runtime.train.LossSum;

import java.nio.file.Path;
import java.util.List;

/**
 * Progress hooks of a run (progress bar, loss log, metrics). Called on the coordinator's thread,
 * in the order things happen: {@code started}; for a fresh run {@code evaluated(0)}; per step
 * {@code evaluated(n + 1)} when it validated, then {@code stepDone(n)}, then {@code checkpointed}
 * when one was written; {@code finished}. Keep them quick and never block.
 */
public interface RunListener {
    RunListener NONE = new RunListener() {
    };

    /** The run starts at {@code firstStep} (0, or a checkpoint's) of {@code steps}, on {@code world} devices. */
    default void started(int world, long firstStep, long steps) {
    }

    /** Step {@code report.step()} is done (and validated, when due: {@link #evaluated} came first). */
    default void stepDone(StepReport report) {
    }

    /** Validation of the model after {@code stepsDone} steps (0: the initial model). */
    default void evaluated(long stepsDone, LossSum result) {
    }

    /** A checkpoint that resumes at {@code nextStep} is complete in {@code dir}. */
    default void checkpointed(long nextStep, Path dir) {
    }

    /** Something the user should know that does not stop the run (e.g. a checkpoint deferred). */
    default void notice(String message) {
    }

    default void finished(RunResult result) {
    }

    /** Tells every listener of {@code all}, in order. */
    static RunListener all(RunListener... all) {
        List<RunListener> ls = List.of(all);
        return new RunListener() {
            @Override
            public void started(int world, long firstStep, long steps) {
                ls.forEach(l -> l.started(world, firstStep, steps));
            }

            @Override
            public void stepDone(StepReport report) {
                ls.forEach(l -> l.stepDone(report));
            }

            @Override
            public void evaluated(long stepsDone, LossSum result) {
                ls.forEach(l -> l.evaluated(stepsDone, result));
            }

            @Override
            public void checkpointed(long nextStep, Path dir) {
                ls.forEach(l -> l.checkpointed(nextStep, dir));
            }

            @Override
            public void notice(String message) {
                ls.forEach(l -> l.notice(message));
            }

            @Override
            public void finished(RunResult result) {
                ls.forEach(l -> l.finished(result));
            }
        };
    }
}
