package dev.baton.actors.training;

import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.work.DeviceWork;
import dev.baton.runtime.train.LossSum;
import dev.baton.actors.work.OptimizerState;
import dev.baton.actors.work.StepContext;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.tensor.Tensor;

import java.util.List;
import java.util.Map;

/** A device's real work whose forward fails at one step: the injected crash of the failure tests. */
final class FailingWork implements DeviceWork {
    static final String FAULT = "injected fault in the forward";

    private final DeviceWork work;
    private final long failStep;

    FailingWork(DeviceWork work, long failStep) {
        this.work = work;
        this.failStep = failStep;
    }

    @Override
    public void forwardBackward(Batch batch, float lossScale, StepContext ctx) {
        if (ctx.step() == failStep) {
            throw new IllegalStateException(FAULT);
        }
        work.forwardBackward(batch, lossScale, ctx);
    }

    @Override
    public Ops ops() {
        return work.ops();
    }

    @Override
    public Tensor value(String param) {
        return work.value(param);
    }

    @Override
    public Tensor gradient(String param) {
        return work.gradient(param);
    }

    @Override
    public double takeLoss() {
        return work.takeLoss();
    }

    @Override
    public void update(String param, ShardRange owned, StepContext ctx) {
        work.update(param, owned, ctx);
    }

    @Override
    public void clearGradient(String param) {
        work.clearGradient(param);
    }

    @Override
    public void combineTiedGradients(EmbeddingTie pair) {
        work.combineTiedGradients(pair);
    }

    @Override
    public void copyTiedWeights(EmbeddingTie pair) {
        work.copyTiedWeights(pair);
    }

    @Override
    public List<OptimizerState> optimizerState(String param) {
        return work.optimizerState(param);
    }

    @Override
    public void untie(EmbeddingTie pair, Map<String, Tensor> wholeHeadState, ShardRange embedOwned) {
        work.untie(pair, wholeHeadState, embedOwned);
    }

    @Override
    public LossSum evaluate(Batch batch, long stepsDone) {
        return work.evaluate(batch, stepsDone);
    }

    @Override
    public Map<String, Double> scalarState() {
        return work.scalarState();
    }

    @Override
    public void restoreScalarState(Map<String, Double> state) {
        work.restoreScalarState(state);
    }

    @Override
    public void close() {
        work.close();
    }
}
