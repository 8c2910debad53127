package dev.baton.actors.training.golf;

import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.OptimizerState;
import dev.baton.actors.work.StepContext;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.optim.MuonAndAdamConfig;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;
import dev.baton.runtime.train.LossSum;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One device's golf work: its {@link GolfReplica}, a {@link GolfGpt} over it, and a
 * {@link MuonAndAdam} that holds state only for what the rank updates: the Muon matrices the shard
 * plan gives it (whole matrices of each bank) and every Adam parameter (replicated, updated from
 * the all-reduced gradient on every rank). Every parameter is updated every step, as the baseline.
 * The updates are {@code MuonAndAdam.update} with the same arguments as the single-device
 * {@code step}, so one device through the actors is the single-device trainer.
 *
 * <p>Evaluation: a target below zero is context, not scored (sliding windows score only their
 * tail); the returned sum is the float64 sum of the scored tokens' cross-entropies, in token order.
 *
 * <p>Owns (and closes) the model, the optimizer, its kernels, the replica and the backend.
 */
public final class GolfDeviceWork implements DeviceWork {
    private final Ops ops;
    private final OptimizerKernels kernels;
    private final GolfReplica replica;
    private final GolfGpt gpt;
    private final MuonAndAdam optimizer;
    private final GolfLrScales lrScales;
    private final Map<String, List<String>> ownedMatrices;
    private double loss;

    /**
     * @param ownedMatrices per bank label, the state_dict names of the matrices this rank updates
     * @param optimizer     built over exactly those matrices and every Adam parameter
     */
    GolfDeviceWork(Ops ops, OptimizerKernels kernels, GolfReplica replica, GolfGpt gpt, MuonAndAdam optimizer,
                   GolfLrScales lrScales, Map<String, List<String>> ownedMatrices) {
        this.ops = ops;
        this.kernels = kernels;
        this.replica = replica;
        this.gpt = gpt;
        this.optimizer = optimizer;
        this.lrScales = lrScales;
        this.ownedMatrices = Map.copyOf(ownedMatrices);
    }

    /** Builds a rank's work; closes what it made if a later part fails. */
    static GolfDeviceWork create(Ops ops, OptimizerKernels kernels, GolfConfig model, MuonAndAdamConfig optim,
                                 GolfLrScales lrScales, long seed, int seqLen, int maxTokens, ShardPlan plan, int rank) {
        GolfReplica replica = new GolfReplica(ops, model, seed);
        GolfGpt gpt = null;
        try {
            gpt = new GolfGpt(ops, model, replica.params(), seqLen, maxTokens);
            ParamSet mine = new ParamSet(); // views and shared tensors only: never closed itself
            Map<String, MuonAndAdam.Group> groups = new LinkedHashMap<>();
            Map<String, MuonAndAdam.Group> all = GolfParams.groups(model);
            Map<String, List<String>> owned = new LinkedHashMap<>();
            for (GolfMatrixBanks.Bank b : GolfMatrixBanks.of(model)) {
                ShardRange r = plan.owned(b.label(), rank);
                List<String> names = b.names().subList(r.start(), r.end());
                owned.put(b.label(), List.copyOf(names));
                for (String n : names) {
                    mine.add(replica.params().get(n));
                    groups.put(n, MuonAndAdam.Group.MATRIX);
                }
            }
            for (String n : GolfMatrixBanks.adamParams(model)) {
                mine.add(replica.params().get(n));
                groups.put(n, all.get(n));
            }
            MuonAndAdam optimizer = new MuonAndAdam(mine, groups, ops, kernels, optim);
            return new GolfDeviceWork(ops, kernels, replica, gpt, optimizer, lrScales, owned);
        } catch (RuntimeException e) {
            if (gpt != null) {
                gpt.close();
            }
            replica.close();
            throw e;
        }
    }

    /**
     * The replica's parameters under state_dict names (matrices are views of the banks): what a
     * run saves at the end from rank 0, and what tests compare with the single-device trainer's.
     */
    public ParamSet params() {
        return replica.params();
    }

    @Override
    public Ops ops() {
        return ops;
    }

    @Override
    public Tensor value(String label) {
        return replica.value(label);
    }

    @Override
    public Tensor gradient(String label) {
        return replica.gradient(label);
    }

    /** {@inheritDoc} The loss added is {@code lossScale} times the micro-batch's mean loss, as the baseline logs it. */
    @Override
    public void forwardBackward(Batch batch, float lossScale, StepContext ctx) {
        gpt.setTrainingStep(ctx.step());
        loss += lossScale * (double) ops.download(gpt.forward(batch.inputs(), batch.targets()))[0];
        gpt.backward(lossScale);
    }

    @Override
    public double takeLoss() {
        double l = loss;
        loss = 0;
        return l;
    }

    @Override
    public void update(String label, ShardRange owned, StepContext ctx) {
        double scale = lrScales.at(ctx.step());
        List<String> matrices = ownedMatrices.get(label);
        if (matrices == null) {
            optimizer.update(label, replica.params().get(label).grad(), ctx.step(), scale);
            return;
        }
        // the reduced gradient of the owned matrices lies in their own views of the bank's gradient
        for (String name : matrices) {
            optimizer.update(name, replica.params().get(name).grad(), ctx.step(), scale);
        }
    }

    @Override
    public void clearGradient(String label) {
        ops.fill(gradient(label), 0f);
    }

    @Override
    public void combineTiedGradients(EmbeddingTie pair) {
        throw new UnsupportedOperationException("the golf model has no separate head to tie");
    }

    @Override
    public void copyTiedWeights(EmbeddingTie pair) {
        throw new UnsupportedOperationException("the golf model has no separate head to tie");
    }

    @Override
    public List<OptimizerState> optimizerState(String label) {
        throw new UnsupportedOperationException("checkpoints of golf runs through the actors are not supported yet: "
                + "leave baton.run.checkpoint-every at 0 (the golf trainer saves the weights at the end)");
    }

    @Override
    public void untie(EmbeddingTie pair, Map<String, Tensor> wholeHeadState, ShardRange embedOwned) {
        throw new UnsupportedOperationException("the golf model has no separate head to untie");
    }

    /**
     * {@inheritDoc} The batch is whole sequences of the model's sequence length (the last may be
     * shorter); targets below zero are not scored.
     */
    @Override
    public LossSum evaluate(Batch batch, long stepsDone) {
        if (batch.length() == 0) {
            return new LossSum(0, 0);
        }
        // as the single-device run: validation after n steps sees the model as step n - 1 left it
        gpt.setTrainingStep(Math.max(0, stepsDone - 1));
        int[] targets = batch.targets().clone();
        for (int i = 0; i < targets.length; i++) {
            targets[i] = Math.max(targets[i], 0);
        }
        float[] losses = ops.download(gpt.tokenLosses(batch.inputs(), targets));
        double sum = 0;
        long scored = 0;
        for (int i = 0; i < losses.length; i++) {
            if (batch.targets()[i] >= 0) {
                sum += losses[i];
                scored++;
            }
        }
        return new LossSum(sum, scored);
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
        optimizer.close();
        gpt.close();
        kernels.close();
        replica.close();
        ops.close();
    }
}
