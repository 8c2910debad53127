package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * W replicas that each update only their shard, with the collectives emulated by copies (as the
 * actor runtime will drive them), end bit-identical to one device updating everything — through
 * the tie, the untie at the split step and the extension steps of the record-small schedule.
 */
class ShardedUpdateTest {
    private static final TrainingSchedule SCHEDULE = new TrainingSchedule(ScheduleConfig.recordSmall());

    @Test
    void twoThreeAndFourShardsEqualTheWholeUpdate() {
        try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2)) {
            ParamSet whole = TinyParams.create(ops, 1);
            NorMuonAndAdam single = optimizer(ops, k, whole, ShardAssignment.single());
            for (int s = 0; s < SCHEDULE.numIterations(); s++) {
                TinyParams.addGradients(ops, whole, 100 + s);
                single.step(s, SCHEDULE.lrFactor(s), SCHEDULE.momentum(s), SCHEDULE.isAdamStep(s));
            }
            assertFalse(single.tied());
            Map<String, StateTensor> wholeState = single.exportState();

            for (int world : new int[] {2, 3, 4}) {
                List<ParamSet> sets = new ArrayList<>();
                List<NorMuonAndAdam> opts = new ArrayList<>();
                ParamSet init = TinyParams.create(ops, 1);
                for (int r = 0; r < world; r++) {
                    sets.add(TinyParams.copy(ops, init));
                    opts.add(optimizer(ops, k, sets.get(r), ShardAssignment.even(world, r)));
                }
                for (int s = 0; s < SCHEDULE.numIterations(); s++) {
                    for (ParamSet set : sets) {
                        TinyParams.addGradients(ops, set, 100 + s);   // identical = already averaged over ranks
                    }
                    distributedStep(ops, s, opts, sets);
                }
                for (ParamSet set : sets) {
                    for (Param p : whole.all()) {
                        assertArrayEquals(ops.download(p.value()), ops.download(set.get(p.name()).value()),
                                p.name() + " with " + world + " shards");
                    }
                }
                List<Map<String, StateTensor>> states = opts.stream().map(NorMuonAndAdam::exportState).toList();
                Map<String, StateTensor> merged = OptimizerStateShards.merge(states);
                assertEquals(wholeState.keySet(), merged.keySet());
                for (var e : wholeState.entrySet()) {
                    StateTensor m = merged.get(e.getKey());
                    assertEquals(e.getValue().shape(), m.shape(), e.getKey());
                    if (e.getValue().ints() != null) {
                        assertArrayEquals(e.getValue().ints(), m.ints(), e.getKey());
                    } else {
                        assertArrayEquals(e.getValue().floats(), m.floats(), e.getKey() + " with " + world + " shards");
                    }
                }
            }
        }
    }

    /** The phases of one step as every rank runs them, with the collectives done by copies. */
    private static void distributedStep(Ops ops, int s, List<NorMuonAndAdam> opts, List<ParamSet> sets) {
        boolean doAdam = SCHEDULE.isAdamStep(s);
        double lr = SCHEDULE.lrFactor(s);
        double mu = SCHEDULE.momentum(s);
        boolean tied = opts.get(0).tied();
        ParamTable table = opts.get(0).table();
        for (NorMuonAndAdam o : opts) {
            if (doAdam && tied) {
                o.combineTiedGradients();
            }
            for (String label : table.workOrder()) {
                if (o.participates(label, doAdam)) {
                    o.update(label, o.gradSlice(label), lr, mu, doAdam);
                }
            }
        }
        // all-gather every updated sharded parameter
        for (ParamEntry e : table.inScatterOrder()) {
            if (e.comms() != Comms.SHARDED || !opts.get(0).participates(e.label(), doAdam)) {
                continue;
            }
            for (int src = 0; src < opts.size(); src++) {
                ShardSlice sl = opts.get(src).slice(e.label());
                for (int dst = 0; dst < opts.size(); dst++) {
                    if (dst != src && sl.count() > 0) {
                        ops.copy(region(sets.get(dst).get(e.param()).value(), e, sl), opts.get(src).valueSlice(e.label()));
                    }
                }
            }
        }
        for (NorMuonAndAdam o : opts) {
            if (doAdam && tied) {
                o.syncTiedEmbedding();
            }
        }
        if (s == SCHEDULE.splitStep() && tied) {
            // the explicit collective of the untie: gather lm_head's Adam state whole on every rank
            Tensor expAvg = gatherAdam(ops, opts, "lm_head", true);
            Tensor expAvgSq = gatherAdam(ops, opts, "lm_head", false);
            int t = ((AdamState) opts.get(0).state("lm_head")).step();
            for (NorMuonAndAdam o : opts) {
                o.untie(expAvg, expAvgSq, t);
            }
        }
        for (NorMuonAndAdam o : opts) {
            o.clearGradients(doAdam);
        }
    }

    private static Tensor region(Tensor full, ParamEntry e, ShardSlice sl) {
        Tensor t = e.isAdam() ? full : full.view(e.matrixView(full.shape()).shape());
        return t.narrow(sl.start(), sl.count());
    }

    private static Tensor gatherAdam(Ops ops, List<NorMuonAndAdam> opts, String label, boolean first) {
        Shape shape = TinyParams.SHAPES.get(label);
        Tensor whole = ops.allocate(shape, DType.F32);
        for (NorMuonAndAdam o : opts) {
            AdamState st = (AdamState) o.state(label);
            ShardSlice sl = o.slice(label);
            if (sl.count() > 0) {
                ops.copy(whole.narrow(sl.start(), sl.count()), first ? st.expAvg() : st.expAvgSq());
            }
        }
        return whole;
    }

    static NorMuonAndAdam optimizer(Ops ops, OptimizerKernels k, ParamSet set, ShardAssignment shards) {
        return new NorMuonAndAdam(ParamTable.record(), set, ops, k, AdamConfig.record(), NorMuonConfig.record(),
                shards, SCHEDULE.splitStep());
    }
}
