package dev.baton.runtime.train;

import java.nio.file.Path;

/**
 * How a {@link TrainingLoop} run ended.
 *
 * @param stepsDone      steps completed (the next step a resume would run)
 * @param lastValLoss    the latest validation loss, NaN if none ran
 * @param lastCheckpoint the newest checkpoint this run wrote, or null
 */
public record TrainingOutcome(Status status, int stepsDone, double lastTrainLoss, double lastValLoss,
                              Path lastCheckpoint, long tokens, long elapsedMillis) {
    public enum Status {
        /** Every scheduled step ran. */
        COMPLETED,
        /** Stopped early on request, after a checkpoint. */
        STOPPED
    }
}
