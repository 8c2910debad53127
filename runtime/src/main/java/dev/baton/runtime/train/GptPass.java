package dev.baton.runtime.train;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.schedule.AttentionWindows;
import dev.baton.runtime.schedule.TrainingSchedule;

/**
 * The GPT at a point of its training schedule, as the record's training loop drives its model:
 * forward and backward per micro-batch with the step's MTP weights and attention windows, and
 * evaluation (and sampling) after a number of steps. This is the one keeper of the rotary state.
 *
 * <p>YaRN: the rotary tables and softmax scales stand where the record's would after
 * {@code advance_schedule(step)}: every transition of steps 1..step applied in order. They are
 * brought there before the first forward of a step (or an evaluation) from wherever they stand, so
 * a replica that starts at a resumed step, or evaluates before its first step, gets the same
 * tables as one that ran from step 0; replaying the same fp32 operations gives the same bits.
 * Owns (and closes) the model, not its parameters.
 */
public final class GptPass implements ModelPass {
    private final Gpt gpt;
    private final Ops ops;
    private final TrainingSchedule schedule;
    /** The step whose transitions the rotary state has applied (0: the initial state). */
    private int yarnStep;

    public GptPass(Gpt gpt, Ops ops, TrainingSchedule schedule) {
        this.gpt = gpt;
        this.ops = ops;
        this.schedule = schedule;
    }

    /**
     * {@inheritDoc} The model's training loss is the record's sum over tokens of the MTP-weighted
     * cross-entropies; the gradient is that of {@code lossScale} times the sum (the record's
     * {@code loss / grad_accum_steps}), the returned figure is divided by the batch's tokens.
     */
    @Override
    public double forwardBackward(Batch batch, float lossScale, int step) {
        moveYarnTo(step);
        AttentionWindows w = schedule.windows(step);
        double sum = ops.download(gpt.forward(batch, new ForwardSchedule(schedule.mtpWeights(step), w.shortBlocks(),
                w.longBlocks())))[0];
        gpt.backward(lossScale);
        return lossScale * sum / batch.length();
    }

    /**
     * {@inheritDoc} Windows of step {@code stepsDone}, or after the last step the final
     * validation's (the long window extended without YaRN), as the record's validation.
     */
    @Override
    public LossSum evaluate(Batch batch, int stepsDone) {
        double mean = ops.download(gpt.evaluate(batch, evaluationAt(stepsDone)))[0];
        return new LossSum(mean * batch.length(), batch.length());
    }

    /** A sampler over the model as it is evaluated after {@code stepsDone} steps. */
    public Sampler sampler(int stepsDone, int vocab, int bos) {
        return new Sampler(ops, gpt, evaluationAt(stepsDone), vocab, bos);
    }

    /** Positions the rotary state after {@code stepsDone} steps and gives the windows to evaluate with. */
    private ForwardSchedule evaluationAt(int stepsDone) {
        int last = schedule.numIterations();
        int step = Math.min(stepsDone, last);
        moveYarnTo(step);
        AttentionWindows w = step == last ? schedule.finalValidationWindows() : schedule.windows(step);
        return new ForwardSchedule(schedule.mtpWeights(step), w.shortBlocks(), w.longBlocks());
    }

    private void moveYarnTo(int step) {
        if (step < yarnStep) {
            gpt.resetYarn();
            yarnStep = 0;
        }
        for (int s = yarnStep + 1; s <= step; s++) {
            schedule.yarnTransition(s).ifPresent(t -> gpt.applyWindowChange(t.oldLongBlocks(), t.newLongBlocks()));
        }
        yarnStep = step;
    }

    @Override
    public void close() {
        gpt.close();
    }
}
