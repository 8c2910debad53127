package dev.baton.runtime.golf.train;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.data.TokenStream;
import dev.baton.runtime.golf.WeightEma;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.schedule.TrainingClock;
import dev.baton.runtime.schedule.WallClockWarmdown;

/**
 * The golf baseline's training loop on one device, step by step: the lr factor from the
 * wall-clock warm-down at the step's start, {@code accumSteps} micro-batches of the token stream
 * (forward, backward scaled by 1/accumSteps), the Muon/Adam step with the momentum warm-up, the
 * weight EMA when there is one; the run ends at {@code iterations} steps or after the step at which
 * the time budget is spent. The caller pauses {@link #clock()} around anything that is not
 * training (validation, checkpoints), as the baseline does.
 */
public final class GolfTrainer {
    private final Ops ops;
    private final GolfGpt gpt;
    private final MuonAndAdam optimizer;
    private final TokenStream stream;
    private final WallClockWarmdown schedule;
    private final TrainingClock clock;
    private final int batchTokens;
    private final int accumSteps;
    private final WeightEma ema;
    private long step;
    private long stopAfter = -1;

    /** What one step did. */
    public record StepReport(long step, float trainLoss, double lrScale, double elapsedMs) {
    }

    /**
     * @param batchTokens tokens per optimizer step on this device (all micro-batches)
     * @param ema         the weight average to update after every step, or null
     */
    public GolfTrainer(Ops ops, GolfGpt gpt, MuonAndAdam optimizer, TokenStream stream, WallClockWarmdown schedule,
                       TrainingClock clock, int batchTokens, int accumSteps, WeightEma ema) {
        if (accumSteps < 1 || batchTokens % accumSteps != 0 || batchTokens / accumSteps > gpt.maxTokens()
                || (batchTokens / accumSteps) % gpt.seqLen() != 0) {
            throw new IllegalArgumentException("a step of " + batchTokens + " tokens in " + accumSteps + " micro-batches "
                    + "must give micro-batches of whole sequences of " + gpt.seqLen() + " tokens, at most "
                    + gpt.maxTokens());
        }
        this.ops = ops;
        this.gpt = gpt;
        this.optimizer = optimizer;
        this.stream = stream;
        this.schedule = schedule;
        this.clock = clock;
        this.batchTokens = batchTokens;
        this.accumSteps = accumSteps;
        this.ema = ema;
    }

    /** Steps done so far (the index of the next step). */
    public long step() {
        return step;
    }

    public TrainingClock clock() {
        return clock;
    }

    /** True once the step cap is reached or the step at which the budget ran out is done. */
    public boolean done() {
        return step >= schedule.iterations() || (stopAfter >= 0 && step >= stopAfter);
    }

    /** Runs one optimizer step; starts the clock if it is not running. */
    public StepReport runStep() {
        if (done()) {
            throw new IllegalStateException("training is done after " + step + " steps");
        }
        clock.start();
        double scale = schedule.lrScale(step, clock.elapsedMs());
        gpt.setTrainingStep(step);
        double lossSum = 0;
        for (int micro = 0; micro < accumSteps; micro++) {
            Batch b = stream.nextBatch(batchTokens, accumSteps, 0, 1);
            lossSum += ops.download(gpt.forward(b.inputs(), b.targets()))[0];
            gpt.backward(1f / accumSteps);
        }
        optimizer.step(step, scale);
        if (ema != null) {
            ema.update(ops, gpt.params());
        }
        step++;
        double elapsed = clock.elapsedMs();
        if (stopAfter < 0 && schedule.budgetSpent(elapsed)) {
            stopAfter = step;
        }
        return new StepReport(step - 1, (float) (lossSum / accumSteps), scale, elapsed);
    }
}
