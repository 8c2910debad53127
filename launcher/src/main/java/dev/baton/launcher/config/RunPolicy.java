package dev.baton.launcher.config;

import java.nio.file.Path;

/**
 * How {@code baton train} runs around the steps, bound from {@code baton.run}, {@code baton.data} and
 * {@code baton.devices}: the data split over ranks and micro-steps, validation cadence and size,
 * checkpoints and the loss log. Nothing here changes the numbers.
 *
 * @param world           ranks the batch is split over (the loader's world size)
 * @param accumSteps      micro-steps per rank and step
 * @param valEvery        validate after every this many steps (and always after the last); 0 = last only
 * @param valTokens       tokens per validation (a multiple of {@code valBatchTokens})
 * @param valBatchTokens  tokens per validation step over all ranks and micro-steps
 * @param checkpointDir   where checkpoint folders go
 * @param checkpointEvery a checkpoint after every this many steps (and after the last); 0 = last only
 * @param checkpointKeep  complete checkpoints kept; 0 = all
 * @param logFile         the JSON-lines loss log
 */
public record RunPolicy(int world, int accumSteps, int valEvery, int valTokens, int valBatchTokens,
                        Path checkpointDir, int checkpointEvery, int checkpointKeep, Path logFile) {
    public RunPolicy {
        if (world < 1 || accumSteps < 1) {
            throw new IllegalArgumentException("world size and accumulation steps must be >= 1");
        }
        if (valEvery < 0 || checkpointEvery < 0 || checkpointKeep < 0) {
            throw new IllegalArgumentException("val-every, checkpoint-every and checkpoint-keep must be >= 0");
        }
        if (valBatchTokens <= 0 || valTokens < 0 || valTokens % valBatchTokens != 0) {
            throw new IllegalArgumentException("val-tokens (" + valTokens + ") must be a multiple of val-batch-tokens ("
                    + valBatchTokens + ")");
        }
    }

    /** Validation steps per evaluation. */
    public int valSteps() {
        return valTokens / valBatchTokens;
    }
}
