package dev.baton.actors.replay;

import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.work.DeviceWork;
import dev.baton.runtime.train.LossSum;
import dev.baton.actors.work.OptimizerState;
import dev.baton.actors.work.StepContext;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The device work of {@link TimedWorkload}: real gradient and value buffers (the collectives move
 * them), but forward/backward and updates only take time (a park), so that a step's timeline is
 * set by the schedule and the link, not by this machine's load.
 */
final class TimedWork implements DeviceWork {
    private final CpuOps ops = new CpuOps(1);
    private final Map<String, Tensor> values = new LinkedHashMap<>();
    private final Map<String, Tensor> grads = new LinkedHashMap<>();
    private final Map<String, Long> updateNanos = new LinkedHashMap<>();
    private final Map<String, Integer> units = new LinkedHashMap<>();
    private final long fbNanos;

    TimedWork(List<TimedParam> params, long fbNanos, ShardPlan plan) {
        this.fbNanos = fbNanos;
        for (TimedParam p : params) {
            Shape shape = plan.param(p.label()).layout().shape();
            values.put(p.label(), ops.allocate(shape, DType.F32));
            grads.put(p.label(), ops.allocate(shape, DType.F32));
            updateNanos.put(p.label(), p.updateNanos());
            units.put(p.label(), plan.param(p.label()).layout().units());
        }
    }

    @Override
    public Ops ops() {
        return ops;
    }

    @Override
    public Tensor value(String param) {
        return values.get(param);
    }

    @Override
    public Tensor gradient(String param) {
        return grads.get(param);
    }

    @Override
    public void forwardBackward(Batch batch, float lossScale, StepContext ctx) {
        LockSupport.parkNanos(fbNanos);
    }

    @Override
    public double takeLoss() {
        return 0;
    }

    @Override
    public void update(String param, ShardRange owned, StepContext ctx) {
        // a sharded update costs the rank's share of the whole update; a replicated one all of it
        long whole = updateNanos.get(param);
        int n = units.get(param);
        LockSupport.parkNanos(n <= 1 ? whole : whole * owned.count() / n);
    }

    @Override
    public void clearGradient(String param) {
    }

    @Override
    public void combineTiedGradients(EmbeddingTie pair) {
        throw new UnsupportedOperationException("the timed workload has no tie");
    }

    @Override
    public void copyTiedWeights(EmbeddingTie pair) {
        throw new UnsupportedOperationException("the timed workload has no tie");
    }

    @Override
    public List<OptimizerState> optimizerState(String param) {
        return List.of();
    }

    @Override
    public void untie(EmbeddingTie pair, Map<String, Tensor> wholeHeadState, ShardRange embedOwned) {
        throw new UnsupportedOperationException("the timed workload has no tie");
    }

    @Override
    public LossSum evaluate(Batch batch, long stepsDone) {
        return new LossSum(0, batch.length());
    }

    @Override
    public Map<String, Double> scalarState() {
        return Map.of();
    }

    @Override
    public void restoreScalarState(Map<String, Double> state) {
    }

    @Override
    public void close() {
        ops.close();
    }
}
