package dev.baton.actors.training;

import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.Workload;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.ops.cpu.CpuTensor;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A record-shaped miniature: 7 of the record's labels (attention and padded MLP banks, replicated
 * and sharded Adam parameters, the tied embed/lm_head) with tiny shapes, the real optimizer and
 * schedules ("record-small": 8 steps, Adam on odd steps, untie after step 5) and a real loader
 * over a generated shard, with 4 data slices per step whatever W.
 */
final class MiniWorkload {
    static final int DIM = 8;
    static final int VOCAB = 32;
    static final int BOS = 31;
    static final int MLP_LAYERS = 3;
    static final int SLICES = 4;
    static final TrainingSchedule SCHEDULE = new TrainingSchedule(ScheduleConfig.recordSmall());

    private MiniWorkload() {
    }

    static ParamTable table() {
        List<ParamEntry> e = List.of(
                ParamEntry.normuon("attn", "attn_bank", Comms.SHARDED, 1.0, 1.0, 4, List.of(1.0)),
                ParamEntry.normuon("mlp", "mlp_bank", Comms.SHARDED, 1.0, 1.0, 1, List.of(1.0, 2.0)),
                ParamEntry.adam("scalars", "scalars", Comms.REPLICATED, 0.9, 0.99, 5.0, 0.0),
                ParamEntry.adam("ve0", "value_embeds.0", Comms.SHARDED, 0.75, 0.95, 75.0, 5.0),
                ParamEntry.adam("x0_lambdas", "x0_lambdas", Comms.REPLICATED, 0.65, 0.95, 5.0, 0.0),
                ParamEntry.adam("lm_head", "lm_head", Comms.SHARDED, 0.5, 0.95, 1.0, 150.0),
                ParamEntry.adam("embed", "embed", Comms.SHARDED, 0.5, 0.95, 1.0, 150.0));
        return new ParamTable(e, e.stream().map(ParamEntry::label).toList(),
                List.of("scalars", "x0_lambdas", "ve0", "lm_head", "embed", "attn", "mlp"), Optional.of(EmbeddingTie.record()));
    }

    static Map<String, Shape> shapes(int world) {
        Map<String, Shape> s = new LinkedHashMap<>();
        s.put("attn_bank", Shape.of(2, 4 * DIM, DIM));
        s.put("mlp_bank", Shape.of(ShardPlan.paddedUnits(MLP_LAYERS, 2, world), 2, 2 * DIM, DIM));
        s.put("scalars", Shape.of(12));
        s.put("value_embeds.0", Shape.of(VOCAB, DIM));
        s.put("x0_lambdas", Shape.of(3));
        s.put("lm_head", Shape.of(DIM, VOCAB));
        s.put("embed", Shape.of(VOCAB, DIM));
        return s;
    }

    static Map<String, Integer> used() {
        Map<String, Integer> u = new LinkedHashMap<>();
        shapes(1).forEach((k, v) -> u.put(k, (int) v.numel()));
        u.put("mlp_bank", MLP_LAYERS * 2 * 2 * DIM * DIM);
        return u;
    }

    /** The initial parameters of one replica (identical on every rank). */
    static ParamSet params(CpuOps ops, int world) {
        ParamSet ps = new ParamSet();
        for (Map.Entry<String, Shape> e : shapes(world).entrySet()) {
            CpuTensor v = (CpuTensor) ops.allocate(e.getValue(), DType.F32);
            SplittableRandom rnd = new SplittableRandom(e.getKey().hashCode());
            float[] a = v.floats();
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rnd.nextDouble() - 0.5) * 0.2f;
            }
            ps.add(new Param(e.getKey(), v, ops.allocate(e.getValue(), DType.F32)));
        }
        float[] head = CpuTensor.of(ps.get("lm_head").value()).floats();
        float[] emb = CpuTensor.of(ps.get("embed").value()).floats();
        for (int r = 0; r < DIM; r++) {
            for (int c = 0; c < VOCAB; c++) {
                emb[c * DIM + r] = head[r * VOCAB + c];
            }
        }
        return ps;
    }

    static NorMuonAndAdam optimizer(ParamSet ps, CpuOps ops, OptimizerKernels kernels, ShardAssignment shards) {
        return new NorMuonAndAdam(table(), ps, ops, kernels, AdamConfig.record(), NorMuonConfig.record(), shards,
                SCHEDULE.splitStep());
    }

    static WorkFactory factory() {
        return new WorkFactory() {
            @Override
            public List<dev.baton.actors.plan.ParamLayout> layouts(int world) {
                return TableLayouts.of(table(), shapes(world), Map.of("mlp", MLP_LAYERS));
            }

            @Override
            public DeviceWork create(int rank, ShardPlan plan) {
                CpuOps ops = new CpuOps(1);
                ParamSet ps = params(ops, plan.world());
                OptimizerKernels kernels = new CpuOptimizerKernels(1);
                NorMuonAndAdam opt = optimizer(ps, ops, kernels, new PlanShardAssignment(plan, rank));
                return new OptimizerWork(ops, ps, table(), opt, kernels, SCHEDULE, new MiniModel(ps, used(), DIM, VOCAB),
                        plan, rank);
            }
        };
    }

    /** A train shard of short documents, each starting with BOS. */
    static Path shard(Path dir) {
        SplittableRandom rnd = new SplittableRandom(5);
        int[] tokens = new int[6000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i == 0 || rnd.nextInt(24) == 0 ? BOS : rnd.nextInt(BOS);
        }
        return ShardWriter.write(dir.resolve("mini_train_000000.bin"), tokens);
    }

    static BatchLoader loader(Path shard, int world, dev.baton.runtime.data.LoaderState start) {
        return new BatchLoader(ShardSet.of(List.of(shard)), world, SLICES / world, LoaderOptions.record(64, BOS), start);
    }

    static Workload workload(Path shard, int world) {
        return new Workload(factory(), new LoaderBatchSource(s -> loader(shard, world, s), SCHEDULE, null, 0), table(),
                new TrainingStepSchedule(SCHEDULE));
    }
}
