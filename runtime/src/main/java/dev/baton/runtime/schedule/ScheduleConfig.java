package dev.baton.runtime.schedule;

import java.util.List;

/**
 * Every schedule of a training run, as the record defines them: learning-rate plateau and
 * cooldown, batch size, attention windows (with YaRN), NorMuon momentum, MTP weights, the
 * embed/lm_head split and the Adam cadence. {@link TrainingSchedule} evaluates it per step.
 *
 * @param scheduledIterations    steps over which the lr, batch and window schedules run (record 1725)
 * @param extensionIterations    steps after that at the final lr, batch and window (record 40)
 * @param cooldownFrac           fraction of the scheduled steps at the end that decay the lr linearly
 * @param lrMaxSteps             raises of the lr plateau, in order of fraction
 * @param extensionLr            lr factor after the scheduled steps; also the end point of the cooldown
 * @param batchTokens            global tokens per step, indexed by int(len · step / scheduled)
 * @param extensionBatchTokens   global tokens per extension step
 * @param windowBlocks           long window per phase (in blocks), indexed like the batch; short = long / 2
 * @param finalWindowBlocks      long window of the extension steps (YaRN is applied for it)
 * @param validationWindowBlocks long window of the final validation only (no YaRN re-scaling)
 * @param blockSize              tokens per window block
 * @param splitFrac              the embed/lm_head untie step is ceil(splitFrac · scheduled) | 1
 * @param momentumWarmupSteps    NorMuon momentum rises linearly from min to max over these steps
 * @param momentumCooldownSteps  and falls linearly back over the last steps of all iterations
 * @param momentumMin            NorMuon momentum at step 0
 * @param momentumMax            NorMuon momentum plateau
 * @param mtpRule                multi-token-prediction weights rule
 * @param adamPeriod             Adam steps when step % adamPeriod == adamPeriod − 1 (record 2: odd steps)
 */
public record ScheduleConfig(
        int scheduledIterations,
        int extensionIterations,
        double cooldownFrac,
        List<LrStep> lrMaxSteps,
        double extensionLr,
        List<Integer> batchTokens,
        int extensionBatchTokens,
        List<Integer> windowBlocks,
        int finalWindowBlocks,
        int validationWindowBlocks,
        int blockSize,
        double splitFrac,
        int momentumWarmupSteps,
        int momentumCooldownSteps,
        double momentumMin,
        double momentumMax,
        MtpRule mtpRule,
        int adamPeriod) {

    public ScheduleConfig {
        lrMaxSteps = List.copyOf(lrMaxSteps);
        batchTokens = List.copyOf(batchTokens);
        windowBlocks = List.copyOf(windowBlocks);
        require(scheduledIterations > 0, "scheduled-iterations must be > 0, got " + scheduledIterations);
        require(extensionIterations >= 0, "extension-iterations must be >= 0, got " + extensionIterations);
        require(cooldownFrac > 0 && cooldownFrac <= 1, "cooldown-frac must be in (0, 1], got " + cooldownFrac);
        require(!batchTokens.isEmpty(), "batch-tokens needs at least one entry");
        require(batchTokens.stream().allMatch(b -> b > 0) && extensionBatchTokens > 0, "batch sizes must be > 0");
        require(!windowBlocks.isEmpty(), "window-blocks needs at least one entry");
        require(windowBlocks.stream().allMatch(w -> w > 0) && finalWindowBlocks > 0 && validationWindowBlocks > 0,
                "window sizes must be > 0");
        require(blockSize > 0, "block-size must be > 0, got " + blockSize);
        require(splitFrac >= 0 && splitFrac <= 1, "split-frac must be in [0, 1], got " + splitFrac);
        require(momentumWarmupSteps >= 0 && momentumCooldownSteps >= 0, "momentum warmup/cooldown steps must be >= 0");
        require(momentumMin > 0 && momentumMin <= momentumMax && momentumMax < 1,
                "momentum needs 0 < min <= max < 1, got " + momentumMin + ", " + momentumMax);
        require(adamPeriod >= 1, "adam-period must be >= 1, got " + adamPeriod);
        for (int i = 1; i < lrMaxSteps.size(); i++) {
            require(lrMaxSteps.get(i).fraction() >= lrMaxSteps.get(i - 1).fraction(),
                    "lr-max-steps must be in increasing order of fraction");
        }
    }

    /** The record's schedules (PR #200: 1725 + 40 steps on 8×H100). */
    public static ScheduleConfig record() {
        return new ScheduleConfig(1725, 40, 0.5, recordLrSteps(), 0.1,
                List.of(8 * 2048 * 8, 16 * 2048 * 8, 24 * 2048 * 8), 24 * 2048 * 8,
                List.of(3, 7, 11), 13, 20, 128, 2.0 / 3,
                300, 50, 0.85, 0.95, MtpRule.RECORD, 2);
    }

    /**
     * The golden files' "record-small" schedules (GOLDEN.md): 6 + 2 steps, batches of 128/192/256
     * tokens, 16-token blocks, momentum warmup 4 and cooldown 2, everything else as the record.
     */
    public static ScheduleConfig recordSmall() {
        return new ScheduleConfig(6, 2, 0.5, recordLrSteps(), 0.1,
                List.of(128, 192, 256), 256,
                List.of(3, 7, 11), 13, 20, 16, 2.0 / 3,
                4, 2, 0.85, 0.95, MtpRule.RECORD, 2);
    }

    /** The same schedules stretched or shrunk to {@code scheduled} + {@code extension} steps (phases scale with them). */
    public ScheduleConfig withIterations(int scheduled, int extension) {
        return new ScheduleConfig(scheduled, extension, cooldownFrac, lrMaxSteps, extensionLr, batchTokens,
                extensionBatchTokens, windowBlocks, finalWindowBlocks, validationWindowBlocks, blockSize, splitFrac,
                momentumWarmupSteps, momentumCooldownSteps, momentumMin, momentumMax, mtpRule, adamPeriod);
    }

    /** Scheduled plus extension steps: the training steps are 0 .. numIterations − 1. */
    public int numIterations() {
        return scheduledIterations + extensionIterations;
    }

    private static List<LrStep> recordLrSteps() {
        // 1.52 ≈ (16/8)^0.6 and 1.73 ≈ (24/8)^0.5: tied to the batch-size jumps
        return List.of(new LrStep(1.0 / 3, 1.52), new LrStep(2.0 / 3, 1.73));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("schedule: " + message);
        }
    }
}
