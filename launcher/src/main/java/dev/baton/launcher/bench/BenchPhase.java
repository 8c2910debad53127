package dev.baton.launcher.bench;

import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.schedule.AttentionWindows;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.schedule.YarnTransition;

import java.util.List;

/**
 * One phase of the record's schedule as the benchmark runs it, at a representative step (the
 * middle of the phase), with the rule of the PyTorch side (reference/bench, phases.py) so that
 * both time the same work: phases 0, 1, 2 are the thirds of the scheduled steps (batches of
 * 131,072 / 262,144 / 393,216 tokens in the record), phase 3 the extension steps.
 *
 * @param microTokens tokens of one micro-batch: the step's batch over the record's 8 micro-steps
 * @param tied        embed and lm_head still tied (before the split step)
 * @param yarn        the YaRN transitions a run has applied by this step, in order
 */
public record BenchPhase(int index, int step, int microTokens, int gradAccum, AttentionWindows windows,
                         float[] mtpWeights, double lrFactor, double momentum, boolean tied, List<YarnTransition> yarn) {
    /** The record's micro-steps per optimizer step at W = 1 (grad_accum_steps = 8 // world_size). */
    public static final int RECORD_GRAD_ACCUM = 8;
    /** Phases 0..2 and the extension. */
    public static final int PHASES = 4;

    public BenchPhase {
        yarn = List.copyOf(yarn);
        mtpWeights = mtpWeights.clone();
    }

    /** Phase {@code index} (0..3) of {@code schedule} with {@code gradAccum} micro-batches per step. */
    public static BenchPhase of(TrainingSchedule schedule, int index, int gradAccum) {
        int n = schedule.config().scheduledIterations();
        int step;
        if (index >= 0 && index < 3) {
            step = (int) ((index + 0.5) * n / 3);
        } else if (index == 3) {
            step = n + (schedule.numIterations() - n) / 2;
        } else {
            throw new IllegalArgumentException("--phase must be 0, 1, 2 or 3 (3: the extension), not " + index);
        }
        if (gradAccum < 1) {
            throw new IllegalArgumentException("gradient accumulation must be at least 1, got " + gradAccum);
        }
        return new BenchPhase(index, step, schedule.batchTokens(step) / RECORD_GRAD_ACCUM, gradAccum,
                schedule.windows(step), schedule.mtpWeights(step), schedule.lrFactor(step), schedule.momentum(step),
                step < schedule.splitStep(), schedule.yarnTransitionsThrough(step));
    }

    @Override
    public float[] mtpWeights() {
        return mtpWeights.clone();
    }

    public int tokensPerStep() {
        return microTokens * gradAccum;
    }

    public ForwardSchedule forward() {
        return new ForwardSchedule(mtpWeights, windows.shortBlocks(), windows.longBlocks());
    }

    /** "phase 2 (step 1437): 393,216 tokens/step = 8 x 49,152, windows (5,11), MTP [1.0], untied". */
    public String describe() {
        StringBuilder mtp = new StringBuilder();
        for (float w : mtpWeights) {
            mtp.append(mtp.length() == 0 ? "" : ", ").append(w);
        }
        return String.format("phase %d (step %d): %,d tokens/step = %d x %,d, windows (%d,%d) x %d, MTP [%s], %s", index,
                step, tokensPerStep(), gradAccum, microTokens, windows.shortBlocks(), windows.longBlocks(),
                windows.blockSize(), mtp, tied ? "tied" : "untied");
    }
}
