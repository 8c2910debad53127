package dev.baton.actors.checkpoint;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ParamShards;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.OptimizerState;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One rank's part of a sharded checkpoint: what it writes, and how it rebuilds its own shards
 * from the files of a checkpoint written with any other world size (each new shard is assembled
 * from the overlapping old ranks' rows). Runs on the worker's compute stream.
 */
public final class RankCheckpoint {
    private static final String SCALAR = "scalar:";

    private RankCheckpoint() {
    }

    /** Writes rank {@code rank}'s files into {@code dir} (rank 0 also the whole weights). */
    public static void save(Path dir, int rank, ShardPlan plan, DeviceWork work, long nextStep) throws IOException {
        Ops ops = work.ops();
        if (rank == 0) {
            Map<String, SafetensorsFile.HostTensor> weights = new LinkedHashMap<>();
            for (ParamShards s : plan.params().values()) {
                Tensor v = work.value(s.name());
                weights.put(s.name(), new SafetensorsFile.HostTensor(dims(v.shape()), ops.download(v)));
            }
            SafetensorsFile.write(dir.resolve(CheckpointIndex.WEIGHTS), weights, Map.of("next_step", Long.toString(nextStep)));
        }
        Map<String, SafetensorsFile.HostTensor> state = new LinkedHashMap<>();
        for (ParamShards s : plan.params().values()) {
            for (OptimizerState st : work.optimizerState(s.name())) {
                if (st.sharded() || rank == 0) {
                    state.put(s.name() + "/" + st.name(),
                            new SafetensorsFile.HostTensor(dims(st.tensor().shape()), ops.download(st.tensor())));
                }
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("rank", Integer.toString(rank));
        meta.put("world", Integer.toString(plan.world()));
        meta.put("next_step", Long.toString(nextStep));
        work.scalarState().forEach((k, v) -> meta.put(SCALAR + k, Double.toString(v)));
        SafetensorsFile.write(dir.resolve(CheckpointIndex.optimFile(rank)), state, meta);
    }

    /** Loads this rank's weights, optimizer shards and scalars from the checkpoint in {@code dir}. */
    public static void load(Path dir, CheckpointIndex index, int rank, ShardPlan plan, DeviceWork work) throws IOException {
        Map<Integer, SafetensorsFile> files = new HashMap<>();
        try {
            loadWeights(dir, index, plan, work);
            for (ParamShards s : plan.params().values()) {
                CheckpointIndex.ParamInfo info = index.param(s.name(), dir);
                for (OptimizerState st : work.optimizerState(s.name())) {
                    String name = s.name() + "/" + st.name();
                    if (st.sharded()) {
                        loadShard(dir, files, index, info, name, s.owned(rank), st.tensor(), work.ops());
                    } else {
                        SafetensorsFile f = file(dir, files, 0);
                        requireShape(f, name, dims(st.tensor().shape()));
                        copyInto(work.ops(), st.tensor(), f.read(name));
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
            for (SafetensorsFile f : files.values()) {
                f.close();
            }
        }
    }

    private static void loadWeights(Path dir, CheckpointIndex index, ShardPlan plan, DeviceWork work) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(CheckpointIndex.WEIGHTS))) {
            for (ParamShards s : plan.params().values()) {
                ParamLayout l = s.layout();
                CheckpointIndex.ParamInfo info = index.param(l.name(), dir);
                Tensor v = work.value(l.name());
                if (Arrays.equals(info.shape(), dims(l.shape()))) {
                    copyInto(work.ops(), v, f.read(l.name()));
                    continue;
                }
                // only the padding of a padded bank may differ between world sizes
                requirePaddingOnly(dir, info, l);
                int common = Math.min(info.units(), l.units());
                float[] prefix = f.readRows(l.name(), 0, (int) info.shape()[0]);
                float[] used = Arrays.copyOf(prefix, (int) (common * l.unitElements()));
                Tensor units = v.view(Shape.of(l.units(), (int) l.unitElements()));
                copyInto(work.ops(), units.narrow(0, common), used);
            }
        }
    }

    private static void loadShard(Path dir, Map<Integer, SafetensorsFile> files, CheckpointIndex index,
                                  CheckpointIndex.ParamInfo info, String name, ShardRange mine, Tensor local, Ops ops)
            throws IOException {
        if (mine.isEmpty()) {
            return;
        }
        if (!info.sharded()) {
            throw new CheckpointException("checkpoint " + dir + " holds '" + name + "' replicated but the model shards it");
        }
        long rowElements = local.numel() / mine.count();
        Tensor rows = local.view(Shape.of(mine.count(), (int) rowElements));
        ops.fill(rows, 0f); // units the old world did not have (new padding) start from zero state
        for (int q = 0; q < info.ranges().size(); q++) {
            ShardRange old = info.ranges().get(q);
            ShardRange overlap = mine.intersect(old).intersect(new ShardRange(0, info.units()));
            if (overlap.isEmpty()) {
                continue;
            }
            SafetensorsFile f = file(dir, files, q);
            long[] shape = f.shape(name);
            long oldRowElements = shape[0] == 0 ? rowElements : Arrays.stream(shape).skip(1).reduce(1, (a, b) -> a * b);
            if (shape[0] != old.count() || oldRowElements != rowElements) {
                throw new CheckpointException(f.path() + ": '" + name + "' has shape " + Arrays.toString(shape)
                        + ", which does not match " + old.count() + " rows of " + rowElements + " elements");
            }
            float[] data = f.readRows(name, overlap.start() - old.start(), overlap.count());
            copyInto(ops, rows.narrow(overlap.start() - mine.start(), overlap.count()), data);
        }
    }

    private static void requirePaddingOnly(Path dir, CheckpointIndex.ParamInfo info, ParamLayout l) {
        long oldUnitElements = info.units() == 0 ? 0 : Arrays.stream(info.shape()).reduce(1, (a, b) -> a * b) / info.units();
        if (info.usedUnits() != l.usedUnits() || oldUnitElements != l.unitElements()) {
            throw new CheckpointException("checkpoint " + dir + " holds '" + l.name() + "' with shape "
                    + Arrays.toString(info.shape()) + " but the model has " + l.shape()
                    + "; resume with the model configuration the checkpoint was written with");
        }
    }

    private static SafetensorsFile file(Path dir, Map<Integer, SafetensorsFile> files, int rank) throws IOException {
        SafetensorsFile f = files.get(rank);
        if (f == null) {
            Path p = dir.resolve(CheckpointIndex.optimFile(rank));
            try {
                f = SafetensorsFile.open(p);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new CheckpointException("checkpoint " + dir + " is missing " + p.getFileName());
            }
            files.put(rank, f);
        }
        return f;
    }

    private static void requireShape(SafetensorsFile f, String name, long[] want) {
        if (!f.contains(name)) {
            throw new CheckpointException(f.path() + " has no tensor '" + name + "'; the checkpoint was written for another optimizer");
        }
        if (!Arrays.equals(f.shape(name), want)) {
            throw new CheckpointException(f.path() + ": '" + name + "' has shape " + Arrays.toString(f.shape(name))
                    + " but the model needs " + Arrays.toString(want));
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

    private static long[] dims(Shape s) {
        long[] d = new long[s.rank()];
        for (int i = 0; i < d.length; i++) {
            d[i] = s.dim(i);
        }
        return d;
    }
}
