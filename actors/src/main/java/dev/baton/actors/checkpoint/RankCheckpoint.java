package dev.baton.actors.checkpoint;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ParamShards;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.OptimizerState;
import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.CheckpointIndex;
import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.checkpoint.SafeTensorsWriter;
import dev.baton.runtime.checkpoint.WeightsCheckpoint;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rank's part of a checkpoint (docs/checkpoint-format.md): what it writes, and how it rebuilds
 * its own shards from the files of a checkpoint written with any other world size (each new shard
 * is assembled from the overlapping old ranks' rows). Rank 0 also writes the whole weights in the
 * {@link WeightsLayout}. Runs on the worker's compute stream.
 */
public final class RankCheckpoint {
    private static final String SCALAR = "scalar:";

    private RankCheckpoint() {
    }

    /** Each parameter's layout and per-rank unit ranges under {@code plan}, as the index records them. */
    public static Map<String, CheckpointIndex.ParamInfo> params(ShardPlan plan) {
        Map<String, CheckpointIndex.ParamInfo> out = new LinkedHashMap<>();
        for (ParamShards s : plan.params().values()) {
            ParamLayout l = s.layout();
            String kind = l instanceof ParamLayout.Bank ? "bank" : l instanceof ParamLayout.Rows ? "rows" : "replicated";
            List<int[]> ranges = new ArrayList<>();
            if (s.sharded()) {
                for (ShardRange r : s.partition().ranges()) {
                    ranges.add(new int[] {r.start(), r.end()});
                }
            }
            out.put(l.name(), new CheckpointIndex.ParamInfo(kind, l.shape().dims(), l.units(), l.usedUnits(), ranges));
        }
        return out;
    }

    /** Writes rank {@code rank}'s files into {@code dir} (rank 0 also the whole weights). */
    public static void save(Path dir, int rank, ShardPlan plan, WeightsLayout weights, DeviceWork work, long nextStep) {
        Ops ops = work.ops();
        if (rank == 0) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            w.metadata(WeightsCheckpoint.FORMAT_KEY, WeightsCheckpoint.FORMAT).metadata("next_step", Long.toString(nextStep));
            for (ParamShards s : plan.params().values()) {
                Shape stored = weights.shape(s.name());
                // the allocation at W may carry more padding than the single-device shape: it holds nothing
                w.putFloats(weights.name(s.name()), stored.dims(),
                        Arrays.copyOf(ops.download(work.value(s.name())), Math.toIntExact(stored.numel())));
            }
            w.write(dir.resolve(CheckpointIndex.WEIGHTS));
        }
        SafeTensorsWriter state = new SafeTensorsWriter();
        state.metadata("rank", Integer.toString(rank)).metadata("world", Integer.toString(plan.world()))
                .metadata("next_step", Long.toString(nextStep));
        work.scalarState().forEach((k, v) -> state.metadata(SCALAR + k, Double.toString(v)));
        for (ParamShards s : plan.params().values()) {
            for (OptimizerState st : work.optimizerState(s.name())) {
                if (st.sharded() || rank == 0) {
                    state.putFloats(s.name() + "/" + st.name(), st.tensor().shape().dims(), ops.download(st.tensor()));
                }
            }
        }
        state.write(dir.resolve(CheckpointIndex.optimFile(rank)));
    }

    /** Loads this rank's weights, optimizer shards and scalars from the checkpoint in {@code dir}. */
    public static void load(Path dir, CheckpointIndex index, int rank, ShardPlan plan, WeightsLayout weights,
                            DeviceWork work) {
        loadWeights(dir.resolve(CheckpointIndex.WEIGHTS), plan, weights, work);
        Map<Integer, SafeTensorsFile> files = new HashMap<>();
        try {
            for (ParamShards s : plan.params().values()) {
                CheckpointIndex.ParamInfo info = index.param(s.name(), dir);
                for (OptimizerState st : work.optimizerState(s.name())) {
                    String name = s.name() + "/" + st.name();
                    if (st.sharded()) {
                        loadShard(dir, files, info, name, s.owned(rank), st.tensor(), work.ops());
                    } else {
                        SafeTensorsFile f = file(dir, files, 0);
                        requireShape(f, name, st.tensor().shape());
                        copyInto(work.ops(), st.tensor(), f.floats(name));
                    }
                }
            }
            Map<String, Double> scalars = new LinkedHashMap<>();
            file(dir, files, 0).metadata().forEach((k, v) -> {
                if (k.startsWith(SCALAR)) {
                    scalars.put(k.substring(SCALAR.length()), Double.parseDouble(v));
                }
            });
            work.restoreScalarState(scalars);
        } finally {
            files.values().forEach(SafeTensorsFile::close);
        }
    }

    /**
     * Loads every parameter of this replica from a weights file in the {@link WeightsLayout}
     * ({@link WeightsCheckpoint#check} it first for one clear message): a bank allocated with more
     * padding than the file's keeps its extra padding units as they are.
     */
    public static void loadWeights(Path file, ShardPlan plan, WeightsLayout weights, DeviceWork work) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (ParamShards s : plan.params().values()) {
                ParamLayout l = s.layout();
                String name = weights.name(l.name());
                requireShape(f, name, weights.shape(l.name()));
                Tensor v = work.value(l.name());
                float[] values = f.floats(name);
                if (values.length == v.numel()) {
                    copyInto(work.ops(), v, values);
                } else {
                    int units = Math.toIntExact(Math.min(values.length, v.numel()) / l.unitElements());
                    Tensor used = v.view(Shape.of(l.units(), Math.toIntExact(l.unitElements()))).narrow(0, units);
                    copyInto(work.ops(), used, Arrays.copyOf(values, Math.toIntExact(used.numel())));
                }
            }
        }
    }

    private static void loadShard(Path dir, Map<Integer, SafeTensorsFile> files, CheckpointIndex.ParamInfo info,
                                  String name, ShardRange mine, Tensor local, Ops ops) {
        if (mine.isEmpty()) {
            return;
        }
        if (!info.sharded()) {
            throw new CheckpointException("checkpoint " + dir + " holds '" + name + "' replicated but the model shards it");
        }
        long rowElements = local.numel() / mine.count();
        Tensor rows = local.view(Shape.of(mine.count(), Math.toIntExact(rowElements)));
        ops.fill(rows, 0f); // units the old world did not have (new padding) start from zero state
        for (int q = 0; q < info.ranges().size(); q++) {
            ShardRange old = new ShardRange(info.ranges().get(q)[0], info.ranges().get(q)[1]);
            ShardRange overlap = mine.intersect(old).intersect(new ShardRange(0, info.units()));
            if (overlap.isEmpty()) {
                continue;
            }
            SafeTensorsFile f = file(dir, files, q);
            int[] shape = f.entry(name).shape();
            long oldRowElements = shape[0] == 0 ? rowElements : Arrays.stream(shape).skip(1).asLongStream().reduce(1, (a, b) -> a * b);
            if (shape[0] != old.count() || oldRowElements != rowElements) {
                throw new CheckpointException(f.path() + ": '" + name + "' has shape " + Shape.of(shape)
                        + ", which does not match " + old.count() + " rows of " + rowElements + " elements");
            }
            float[] data = f.floatRows(name, overlap.start() - old.start(), overlap.count());
            copyInto(ops, rows.narrow(overlap.start() - mine.start(), overlap.count()), data);
        }
    }

    private static SafeTensorsFile file(Path dir, Map<Integer, SafeTensorsFile> files, int rank) {
        SafeTensorsFile f = files.get(rank);
        if (f == null) {
            Path p = dir.resolve(CheckpointIndex.optimFile(rank));
            if (!java.nio.file.Files.isRegularFile(p)) {
                throw new CheckpointException("checkpoint " + dir + " is missing " + p.getFileName());
            }
            f = SafeTensorsFile.open(p);
            files.put(rank, f);
        }
        return f;
    }

    private static void requireShape(SafeTensorsFile f, String name, Shape want) {
        if (!f.contains(name)) {
            throw new CheckpointException(f.path() + " has no tensor '" + name + "'; it was written for another model or optimizer");
        }
        if (!Arrays.equals(f.entry(name).shape(), want.dims())) {
            throw new CheckpointException(f.path() + ": '" + name + "' has shape " + Shape.of(f.entry(name).shape())
                    + " but the model needs " + want + "; resume with the model configuration the checkpoint was written with");
        }
    }

    private static void copyInto(Ops ops, Tensor dst, float[] data) {
        Tensor host = ops.upload(data, dst.shape(), dst.dtype());
        try {
            ops.copy(dst, host);
        } finally {
            host.close();
        }
    }
}
