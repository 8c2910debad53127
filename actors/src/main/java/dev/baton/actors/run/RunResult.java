package dev.baton.actors.run;

import java.nio.file.Path;

/**
 * How a run ended.
 *
 * @param nextStep       the first step not completed (= steps completed when started at 0)
 * @param message        one line for the user: why it stopped or failed ("" when completed)
 * @param lastCheckpoint the newest complete checkpoint of this run, or null
 */
public record RunResult(Status status, long nextStep, String message, Path lastCheckpoint) {
    public enum Status {
        /** Every scheduled step ran. */
        COMPLETED,
        /** Stopped on request (after a checkpoint, unless abandoned). */
        STOPPED,
        /** A device, the data, a checkpoint write or a timeout ended the run. */
        FAILED,
        /** The run did not start: its configuration, checkpoint or weights do not fit (nothing ran). */
        REFUSED
    }

    public boolean ok() {
        return status == Status.COMPLETED || status == Status.STOPPED;
    }
}
