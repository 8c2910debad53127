package dev.baton.runtime.model.golf;

/**
 * Seed 004's Universal-Transformer variant: one shared block (two attention sublayers, then a
 * 3-layer MLP) applied {@code schedule.depthAt(step)} times, with per-depth pre-norm weights and
 * biases (the bias acts as a depth embedding), no U-net skips.
 *
 * @param schedule the number of depths by training step ({@code 0:2,2000:6})
 * @param qatNoise noisy quantization-aware training: during training forwards every shared matrix
 *                 gets uniform noise of this many int8 steps (max|row|/127) wide; 0 = off
 */
public record UniversalConfig(DepthSchedule schedule, double qatNoise) {
    public UniversalConfig {
        if (schedule == null) {
            throw new IllegalArgumentException("the Universal Transformer needs a depth schedule");
        }
        if (!(qatNoise >= 0) || qatNoise > 16) {
            throw new IllegalArgumentException("noisy-QAT width " + qatNoise + " must be in [0, 16] int8 steps");
        }
    }

    public int maxDepth() {
        return schedule.maxDepth();
    }
}
