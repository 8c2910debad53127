package dev.baton.runtime.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers, for one training step, every scheduled quantity of the record: lr factor, NorMuon
 * momentum, attention windows, batch tokens, MTP weights, whether Adam steps, the split step and
 * the YaRN transitions. The arithmetic follows the record's Python operation by operation in
 * double precision, so float edge cases agree (575/1725 == 1/3 exactly, hence no lr raise at 575).
 */
public final class TrainingSchedule {
    private final ScheduleConfig c;

    public TrainingSchedule(ScheduleConfig config) {
        this.c = config;
    }

    public ScheduleConfig config() {
        return c;
    }

    /** Training steps are 0 .. numIterations() − 1; step numIterations() is the final validation. */
    public int numIterations() {
        return c.numIterations();
    }

    /** Factor multiplying every base lr (Adam and NorMuon) at this step: the record's get_lr. */
    public double lrFactor(int step) {
        requireStep(step);
        int n = c.scheduledIterations();
        if (step > n) {
            return c.extensionLr();
        }
        double lrMax = 1.0;
        double x = (double) step / n;
        for (LrStep s : c.lrMaxSteps()) {
            if (x > s.fraction()) {
                lrMax = s.lrMax();
            }
        }
        if (x >= 1 - c.cooldownFrac()) {
            double w = (1 - x) / c.cooldownFrac();
            return lrMax * w + (1 - w) * c.extensionLr();
        }
        return lrMax;
    }

    /** NorMuon momentum: linear warmup from min to max, plateau, linear cooldown at the very end. */
    public double momentum(int step) {
        requireStep(step);
        double min = c.momentumMin();
        double max = c.momentumMax();
        int cooldownStart = c.numIterations() - c.momentumCooldownSteps();
        if (step < c.momentumWarmupSteps()) {
            double frac = (double) step / c.momentumWarmupSteps();
            return min + frac * (max - min);
        } else if (step > cooldownStart) {
            double frac = (double) (step - cooldownStart) / c.momentumCooldownSteps();
            return max - frac * (max - min);
        }
        return max;
    }

    /** (short, long) windows of this step; the short window is half the long one (integer division). */
    public AttentionWindows windows(int step) {
        requireStep(step);
        int n = c.scheduledIterations();
        if (step >= n) {
            return new AttentionWindows(c.finalWindowBlocks() / 2, c.finalWindowBlocks(), c.blockSize());
        }
        double x = (double) step / n;
        int ws = c.windowBlocks().get((int) (c.windowBlocks().size() * x));
        return new AttentionWindows(ws / 2, ws, c.blockSize());
    }

    /**
     * Windows of the final validation (after the last step): the long window is extended to the
     * validation window without re-applying YaRN; the short window stays that of the last step.
     */
    public AttentionWindows finalValidationWindows() {
        return new AttentionWindows(c.finalWindowBlocks() / 2, c.validationWindowBlocks(), c.blockSize());
    }

    /** Global tokens of this step (over every rank and micro-step). */
    public int batchTokens(int step) {
        requireStep(step);
        int n = c.scheduledIterations();
        if (step >= n) {
            return c.extensionBatchTokens();
        }
        double x = (double) step / n;
        return c.batchTokens().get((int) (c.batchTokens().size() * x));
    }

    /** Weights of the loss on predicting the token k+1 ahead, k = 0..; fp32 like the record's tensor. */
    public float[] mtpWeights(int step) {
        requireStep(step);
        if (c.mtpRule() == MtpRule.NEXT_TOKEN) {
            return new float[] {1f};
        }
        double x = (double) step / c.scheduledIterations();
        if (x < 1.0 / 3) {
            return new float[] {1f, 0.5f, (float) (0.25 * (1 - 3 * x))};
        } else if (x < 2.0 / 3) {
            return new float[] {1f, (float) (0.5 * (1 - (3 * x - 1)))};
        }
        return new float[] {1f};
    }

    /** Adam params update only on these steps; in between their gradients accumulate. */
    public boolean isAdamStep(int step) {
        requireStep(step);
        return step % c.adamPeriod() == c.adamPeriod() - 1;
    }

    /** The step after whose update embed and lm_head untie: ceil(splitFrac · scheduled) | 1 (odd). */
    public int splitStep() {
        return ((int) Math.ceil(c.splitFrac() * c.scheduledIterations())) | 1;
    }

    /** The YaRN transition to apply before this step's forward pass, if its long window changes. */
    public Optional<YarnTransition> yarnTransition(int step) {
        requireStep(step);
        if (step == 0) {
            return Optional.empty();
        }
        int before = windows(step - 1).longBlocks();
        int now = windows(step).longBlocks();
        return before == now ? Optional.empty() : Optional.of(new YarnTransition(before, now));
    }

    /**
     * Every transition at steps 1..step in order: what a run resumed before {@code step} must
     * apply to a freshly reset YaRN to stand where an uninterrupted run stands.
     */
    public List<YarnTransition> yarnTransitionsThrough(int step) {
        requireStep(step);
        List<YarnTransition> out = new ArrayList<>();
        for (int s = 1; s <= step; s++) {
            yarnTransition(s).ifPresent(out::add);
        }
        return out;
    }

    private void requireStep(int step) {
        if (step < 0 || step > c.numIterations()) {
            throw new IllegalArgumentException("step " + step + " is outside 0.." + c.numIterations());
        }
    }
}
