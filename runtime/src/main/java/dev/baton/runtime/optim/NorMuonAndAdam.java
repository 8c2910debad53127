package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The record's combined optimizer over one rank's slices of a {@link ParamSet}: NorMuon for the
 * banks every step, Adam for the rest on Adam steps (their gradients accumulate in between), the
 * embed/lm_head tie until the split step, and state export for checkpoints.
 *
 * <p>On one device {@link #step} runs everything. The actor runtime drives the same phases itself
 * around its collectives: {@link #combineTiedGradients} before the reduce-scatters (param-table
 * order), {@link #update} per label in work order on the reduced gradient shard,
 * {@link #syncTiedEmbedding} after lm_head's all-gather, {@link #untie} with the gathered lm_head
 * state at the split step, and {@link #clearGradients}.
 */
public final class NorMuonAndAdam implements AutoCloseable {
    private final ParamTable table;
    private final Ops ops;
    private final OptimizerKernels kernels;
    private final Adam adam;
    private final NorMuon normuon;
    private final int splitStep;
    private final Optional<EmbeddingTie> tie;
    private final Map<String, ParamSlot> slots = new LinkedHashMap<>();
    private final OptimizerStateIO stateIO;
    private boolean tied;

    /**
     * @param splitStep the step after whose update the tie (if the table has one) ends, from
     *                  {@code TrainingSchedule.splitStep()}
     */
    public NorMuonAndAdam(ParamTable table, ParamSet params, Ops ops, OptimizerKernels kernels,
                          AdamConfig adamConfig, NorMuonConfig normuonConfig, ShardAssignment shards, int splitStep) {
        table.validateAgainst(params);
        this.table = table;
        this.ops = ops;
        this.kernels = kernels;
        this.adam = new Adam(kernels, adamConfig);
        this.normuon = new NorMuon(ops, kernels, normuonConfig);
        this.splitStep = splitStep;
        this.tie = table.tie();
        for (ParamEntry e : table.inScatterOrder()) {
            Param p = params.get(e.param());
            Shape shape = p.value().shape();
            if (e.isAdam() && shape.rank() == 0) {
                throw new IllegalArgumentException("Adam parameter " + e.param() + " must have at least one dimension");
            }
            ShardSlice slice = shards.slice(e, shape);
            if (slice.total() != e.shardUnits(shape) || (e.comms() == Comms.REPLICATED && !slice.isWhole())) {
                throw new IllegalArgumentException("shard of " + e.label() + " " + slice + " does not fit "
                        + e.shardUnits(shape) + " units" + (e.comms() == Comms.REPLICATED ? " (replicated: must be whole)" : ""));
            }
            MatrixView view = e.isAdam() ? null : e.matrixView(shape);
            ParamState state = e.isAdam()
                    ? new AdamState(ops, shape.withLeading(slice.count()))
                    : normuon.newState(view, slice);
            slots.put(e.label(), new ParamSlot(e, p, slice, view, state));
        }
        tie.ifPresent(t -> {
            Shape h = slot(t.headLabel()).param().value().shape();
            Shape m = slot(t.embedLabel()).param().value().shape();
            if (h.rank() != 2 || !h.equals(Shape.of(m.dim(-1), m.dim(0)))) {
                throw new IllegalArgumentException("tied " + t.headLabel() + " " + h + " is not the transpose of "
                        + t.embedLabel() + " " + m);
            }
        });
        this.tied = tie.isPresent();
        this.stateIO = new OptimizerStateIO(ops, slots);
    }

    /**
     * One device's whole optimizer step, after backward: the tied-gradient fold (Adam steps while
     * tied), every update in work order, the embed copy, the untie at the split step, and the
     * gradient clearing (NorMuon every step, Adam only after an Adam step).
     */
    public void step(int stepIndex, double lrFactor, double momentum, boolean doAdam) {
        if (doAdam && tied) {
            combineTiedGradients();
        }
        for (String label : table.workOrder()) {
            if (participates(label, doAdam)) {
                update(label, slot(label).gradSlice(), lrFactor, momentum, doAdam);
            }
        }
        if (doAdam && tied) {
            syncTiedEmbedding();
        }
        if (stepIndex == splitStep && tied) {
            untieLocal();
        }
        clearGradients(doAdam);
    }

    /** Whether {@code label} is communicated and updated this step (Adam only on Adam steps; embed not while tied). */
    public boolean participates(String label, boolean doAdam) {
        ParamSlot s = slot(label);
        if (!s.entry().isAdam()) {
            return true;
        }
        return doAdam && !(tied && label.equals(tie.orElseThrow().embedLabel()));
    }

    /** While tied, on Adam steps before the collectives: head.grad += embed.gradᵀ (whole local gradients). */
    public void combineTiedGradients() {
        EmbeddingTie t = requireTied();
        kernels.addTransposed(slot(t.headLabel()).param().grad(), slot(t.embedLabel()).param().grad());
    }

    /**
     * Updates this rank's slice of {@code label} from {@code gradShard}, the slice's averaged
     * gradient (any shape with the slice's element count; only read).
     */
    public void update(String label, Tensor gradShard, double lrFactor, double momentum,
                       boolean doAdam) {
        ParamSlot s = slot(label);
        if (!participates(label, doAdam)) {
            throw new IllegalStateException(label + " does not update on this step"
                    + (s.entry().isAdam() && doAdam ? " (tied to " + tie.orElseThrow().headLabel() + ")" : " (not an Adam step)"));
        }
        Shape shape = s.sliceShape();
        if (gradShard.numel() != shape.numel()) {
            throw new IllegalArgumentException("gradient shard " + gradShard.shape() + " of " + label
                    + " does not match its slice " + shape);
        }
        if (s.state() instanceof AdamState a) {
            adam.update(s.valueSlice(), gradShard, a, s.entry(), lrFactor);
        } else {
            normuon.update(s.valueSlice(), gradShard.view(shape), (NorMuonState) s.state(), s.entry(), lrFactor, momentum);
        }
    }

    /** While tied, after the head's update (and all-gather): embed := headᵀ, whole. */
    public void syncTiedEmbedding() {
        EmbeddingTie t = requireTied();
        ParamSlot embed = slot(t.embedLabel());
        kernels.transposeColumns(embed.param().value(), slot(t.headLabel()).param().value(), 0);
    }

    /**
     * Ends the tie after the split step's update: embed's Adam moments become the head's,
     * transposed (this rank takes its own rows of embed), with the head's step count.
     *
     * @param headExpAvg   the head's whole exp_avg (d, V), gathered from every rank if sharded
     * @param headExpAvgSq the head's whole exp_avg_sq (d, V)
     * @param headStep     the head's Adam step count
     */
    public void untie(Tensor headExpAvg, Tensor headExpAvgSq,
                      int headStep) {
        EmbeddingTie t = requireTied();
        ParamSlot embed = slot(t.embedLabel());
        AdamState es = (AdamState) embed.state();
        if (embed.slice().count() > 0) {
            kernels.transposeColumns(es.expAvg(), headExpAvg, embed.slice().start());
            kernels.transposeColumns(es.expAvgSq(), headExpAvgSq, embed.slice().start());
        }
        es.setStep(headStep);
        tied = false;
    }

    /** {@link #untie} from this rank's own head state, which must be whole (one device, or a replicated head). */
    public void untieLocal() {
        ParamSlot head = slot(requireTied().headLabel());
        if (!head.slice().isWhole()) {
            throw new IllegalStateException("untie needs the whole " + head.entry().label()
                    + " state; this rank owns " + head.slice() + ": gather it and call untie(...)");
        }
        AdamState hs = (AdamState) head.state();
        untie(hs.expAvg(), hs.expAvgSq(), hs.step());
    }

    /** Zeroes the gradients the step consumed: NorMuon's always, Adam's only after an Adam step. */
    public void clearGradients(boolean doAdam) {
        for (ParamSlot s : slots.values()) {
            if (doAdam || !s.entry().isAdam()) {
                ops.fill(s.param().grad(), 0f);
            }
        }
    }

    /** True until the split step's update has run (embed then follows lm_head). */
    public boolean tied() {
        return tied;
    }

    public ParamTable table() {
        return table;
    }

    /** The slice of {@code label} this rank updates. */
    public ShardSlice slice(String label) {
        return slot(label).slice();
    }

    /** The owned slice of the parameter's value (what the all-gather sends). */
    public Tensor valueSlice(String label) {
        return slot(label).valueSlice();
    }

    /** The owned slice of the local whole gradient (the single-device gradient shard). */
    public Tensor gradSlice(String label) {
        return slot(label).gradSlice();
    }

    /** This rank's state of {@code label} (read-only use: tests, gathers at the untie). */
    public ParamState state(String label) {
        return slot(label).state();
    }

    /**
     * Host copies of every piece of state under checkpoint names: {@code optim.<label>.exp_avg},
     * {@code .exp_avg_sq}, {@code .step} (Adam), {@code .momentum}, {@code .second_moment}
     * (NorMuon), {@code .slice} = [start, count, total] of this rank, and {@code optim.tied}.
     */
    public Map<String, StateTensor> exportState() {
        Map<String, StateTensor> out = stateIO.export();
        out.put(OptimizerStateIO.TIED, StateTensor.ofInts(tied ? 1 : 0));
        return out;
    }

    /**
     * Restores state written by {@link #exportState} on a rank with the same slices, or merged whole
     * ({@link OptimizerStateShards#merge}), from which this rank takes its own slices.
     */
    public void importState(Map<String, StateTensor> state) {
        stateIO.importAll(state);
        StateTensor t = state.get(OptimizerStateIO.TIED);
        if (t == null) {
            throw new IllegalArgumentException("optimizer state lacks " + OptimizerStateIO.TIED);
        }
        tied = tie.isPresent() && t.ints()[0] != 0;
    }

    @Override
    public void close() {
        for (ParamSlot s : slots.values()) {
            s.state().close();
        }
    }

    private EmbeddingTie requireTied() {
        if (!tied) {
            throw new IllegalStateException(tie.isPresent() ? "embed and lm_head are already untied" : "the param table has no tie");
        }
        return tie.orElseThrow();
    }

    private ParamSlot slot(String label) {
        ParamSlot s = slots.get(label);
        if (s == null) {
            throw new IllegalArgumentException("optimizer has no label " + label + "; labels: " + slots.keySet());
        }
        return s;
    }
}
