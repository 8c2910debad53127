package dev.baton.launcher.bench;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.train.LossSum;
import dev.baton.runtime.train.ModelPass;

/**
 * The model's part of the benchmark's work in the actor runtime: every step runs the benchmark
 * phase's forward (its windows and MTP weights, YaRN applied once at construction), whatever the
 * runtime's step number, so that a run of N steps from step 0 times the phase's work. Reads each
 * micro-batch's loss back as the runtime's real model pass does. Owns the model.
 */
final class PhasePass implements ModelPass {
    private final Gpt gpt;
    private final Ops ops;
    private final ForwardSchedule forward;

    PhasePass(Gpt gpt, Ops ops, BenchPhase phase) {
        this.gpt = gpt;
        this.ops = ops;
        this.forward = phase.forward();
        phase.yarn().forEach(t -> gpt.applyWindowChange(t.oldLongBlocks(), t.newLongBlocks()));
    }

    @Override
    public double forwardBackward(Batch batch, float lossScale, int step) {
        double sum = ops.download(gpt.forward(batch, forward))[0];
        gpt.backward(lossScale);
        return lossScale * sum / batch.length();
    }

    @Override
    public LossSum evaluate(Batch batch, int stepsDone) {
        double mean = ops.download(gpt.evaluate(batch, forward))[0];
        return new LossSum(mean * batch.length(), batch.length());
    }

    @Override
    public void close() {
        gpt.close();
    }
}
