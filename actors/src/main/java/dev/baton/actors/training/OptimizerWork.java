package dev.baton.actors.training;

import dev.baton.runtime.train.ModelPass;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.work.DeviceWork;
import dev.baton.runtime.train.LossSum;
import dev.baton.actors.work.OptimizerState;
import dev.baton.actors.work.StepContext;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.optim.AdamState;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonState;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamState;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.ShardSlice;
import dev.baton.runtime.optim.StateTensor;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device's work built from the runtime's pieces: the model's {@link ParamSet} and its
 * {@link ModelPass}, and this rank's {@link NorMuonAndAdam} (constructed with a
 * {@link PlanShardAssignment} of the same plan), driven phase by phase by the scheduler's
 * commands instead of {@code NorMuonAndAdam.step}. Parameters are addressed by table label.
 * It owns (and closes) the model pass, the optimizer and its kernels, the parameters and the backend.
 */
public final class OptimizerWork implements DeviceWork {
    private static final String STEP = "adam_step.";
    private static final String TIED = "tied";

    private final Ops ops;
    private final ParamSet params;
    private final ParamTable table;
    private final NorMuonAndAdam optimizer;
    private final OptimizerKernels kernels;
    private final TrainingSchedule schedule;
    private final ModelPass model;
    private double loss;

    /**
     * @param kernels the kernels {@code optimizer} was built with (closed with it)
     */
    public OptimizerWork(Ops ops, ParamSet params, ParamTable table, NorMuonAndAdam optimizer, OptimizerKernels kernels,
                         TrainingSchedule schedule, ModelPass model, ShardPlan plan, int rank) {
        this.ops = ops;
        this.params = params;
        this.table = table;
        this.optimizer = optimizer;
        this.kernels = kernels;
        this.schedule = schedule;
        this.model = model;
        for (ParamEntry e : table.inScatterOrder()) {
            ShardSlice mine = optimizer.slice(e.label());
            if (plan.param(e.label()).sharded() && !mine.equals(plan.slice(e.label(), rank))) {
                throw new IllegalArgumentException("the optimizer of rank " + rank + " owns " + mine + " of " + e.label()
                        + " but the shard plan gives it " + plan.slice(e.label(), rank)
                        + "; build the optimizer with new PlanShardAssignment(plan, rank)");
            }
        }
    }

    @Override
    public Ops ops() {
        return ops;
    }

    @Override
    public Tensor value(String label) {
        return params.get(table.entry(label).param()).value();
    }

    @Override
    public Tensor gradient(String label) {
        return params.get(table.entry(label).param()).grad();
    }

    @Override
    public void forwardBackward(Batch batch, float lossScale, StepContext ctx) {
        loss += model.forwardBackward(batch, lossScale, Math.toIntExact(ctx.step()));
    }

    @Override
    public double takeLoss() {
        double l = loss;
        loss = 0;
        return l;
    }

    @Override
    public void update(String label, ShardRange owned, StepContext ctx) {
        int step = Math.toIntExact(ctx.step());
        // the reduced gradient of the owned units lies where the rank's own slice of the local gradient was
        optimizer.update(label, optimizer.gradSlice(label), schedule.lrFactor(step), schedule.momentum(step), ctx.adamStep());
    }

    @Override
    public void clearGradient(String label) {
        ops.fill(gradient(label), 0f);
    }

    @Override
    public void combineTiedGradients(EmbeddingTie pair) {
        optimizer.combineTiedGradients();
    }

    @Override
    public void copyTiedWeights(EmbeddingTie pair) {
        optimizer.syncTiedEmbedding();
    }

    @Override
    public List<OptimizerState> optimizerState(String label) {
        boolean sharded = table.entry(label).comms() == Comms.SHARDED;
        ParamState s = optimizer.state(label);
        if (s instanceof AdamState a) {
            return List.of(new OptimizerState("exp_avg", a.expAvg(), sharded), new OptimizerState("exp_avg_sq", a.expAvgSq(), sharded));
        }
        NorMuonState n = (NorMuonState) s;
        return List.of(new OptimizerState("momentum", n.momentum(), sharded),
                new OptimizerState("second_moment", n.secondMoment(), sharded));
    }

    @Override
    public void untie(EmbeddingTie pair, Map<String, Tensor> wholeHeadState, ShardRange embedOwned) {
        AdamState head = (AdamState) optimizer.state(pair.headLabel());
        optimizer.untie(wholeHeadState.get("exp_avg"), wholeHeadState.get("exp_avg_sq"), head.step());
    }

    @Override
    public LossSum evaluate(Batch batch, long stepsDone) {
        return model.evaluate(batch, Math.toIntExact(stepsDone));
    }

    /** Adam step counts per label and the tie flag: the optimizer state that is not a tensor. */
    @Override
    public Map<String, Double> scalarState() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (ParamEntry e : table.inScatterOrder()) {
            if (optimizer.state(e.label()) instanceof AdamState a) {
                out.put(STEP + e.label(), (double) a.step());
            }
        }
        out.put(TIED, optimizer.tied() ? 1.0 : 0.0);
        return out;
    }

    /**
     * Sets the step counts and the tie flag. The optimizer restores them only through its state
     * import, so this re-imports its own current slices with those scalars replaced.
     */
    @Override
    public void restoreScalarState(Map<String, Double> state) {
        Map<String, StateTensor> current = optimizer.exportState();
        for (Map.Entry<String, Double> e : state.entrySet()) {
            if (e.getKey().startsWith(STEP)) {
                current.put("optim." + e.getKey().substring(STEP.length()) + ".step", StateTensor.ofInts(e.getValue().intValue()));
            } else if (e.getKey().equals(TIED)) {
                current.put("optim.tied", StateTensor.ofInts(e.getValue().intValue()));
            }
        }
        optimizer.importState(current);
    }

    @Override
    public void close() {
        model.close();
        optimizer.close();
        kernels.close();
        params.close();
        ops.close();
    }
}
