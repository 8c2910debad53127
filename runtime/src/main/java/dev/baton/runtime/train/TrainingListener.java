package dev.baton.runtime.train;

import java.nio.file.Path;

/** What the {@link TrainingLoop} reports as it goes (console progress, tests). Called on the loop's thread. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {
    };

    /** The loop starts at {@code firstStep} of {@code totalSteps}. */
    default void started(int firstStep, int totalSteps) {
    }

    /** A step finished (and validated, when due); also the step-0 validation of a fresh run. */
    default void stepDone(StepRecord record) {
    }

    /** A checkpoint that resumes at {@code nextStep} is complete in {@code dir}. */
    default void checkpointed(int nextStep, Path dir) {
    }

    /** Something the user should know that does not stop the run. */
    default void notice(String message) {
    }
}
