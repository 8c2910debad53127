package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.CheckpointStore;
import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.checkpoint.SafeTensorsWriter;
import dev.baton.runtime.checkpoint.WeightsCheckpoint;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.StateTensor;
import dev.baton.runtime.tensor.Shape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files of one checkpoint folder (docs/checkpoint-format.md): {@code weights.safetensors}
 * (every parameter whole under the record's names, loadable by PyTorch and by {@code --init-from}),
 * {@code optim-rank-RRRRR.safetensors} (tensors {@code <label>/<state>}, metadata
 * {@code scalar:adam_step.<label>} and {@code scalar:tied}), {@code config.conf} (the resolved
 * configuration, for {@code eval} and {@code sample}) and {@code index.json}, written last.
 * One device writes one rank file holding everything whole; reading merges the rank files of a
 * checkpoint written with any world size by their unit ranges.
 */
public final class TrainingCheckpoint {
    public static final String WEIGHTS = "weights.safetensors";
    public static final String CONFIG = "config.conf";
    private static final String SCALAR = "scalar:";
    private static final String ADAM_STEP = "adam_step.";
    private static final String TIED = "tied";
    private static final List<String> FIELDS = List.of("exp_avg", "exp_avg_sq", "momentum", "second_moment");

    /** A checkpoint read back: its index and the state to import. */
    public record Loaded(Path dir, CheckpointIndex index, TrainingState state) {
    }

    private TrainingCheckpoint() {
    }

    public static String optimFile(int rank) {
        return String.format("optim-rank-%05d.safetensors", rank);
    }

    /**
     * Each label's layout for the index: NorMuon banks split by matrices, sharded Adam parameters by
     * rows, replicated ones whole; one rank holding every unit.
     */
    public static Map<String, CheckpointIndex.ParamInfo> layouts(ParamTable table, GptConfig model) {
        Map<String, Shape> shapes = GptParams.shapes(model);
        Map<String, CheckpointIndex.ParamInfo> out = new LinkedHashMap<>();
        for (ParamEntry e : table.inScatterOrder()) {
            Shape shape = shapes.get(e.param());
            int units = e.shardUnits(shape);
            // the MLP bank is padded to a multiple of the shard multiple; the padding units are unused
            int used = e.param().equals(GptParams.MLP_BANK) ? units / model.mlpBankLayers() * model.numLayers() : units;
            boolean replicated = e.comms() == Comms.REPLICATED;
            String layout = replicated ? "replicated" : e.isAdam() ? "rows" : "bank";
            out.put(e.label(), new CheckpointIndex.ParamInfo(layout, shape.dims(), units, used,
                    replicated ? List.of() : List.of(new int[] {0, units})));
        }
        return out;
    }

    /** Writes every file into {@code dir} (a temp folder of a {@link CheckpointStore}), the index last. */
    public static void write(Path dir, TrainingState state, CheckpointIndex index, ParamTable table, String configText) {
        SafeTensorsWriter weights = new SafeTensorsWriter();
        weights.metadata(WeightsCheckpoint.FORMAT_KEY, WeightsCheckpoint.FORMAT);
        weights.metadata("next_step", Integer.toString(index.nextStep()));
        state.weights().forEach((name, t) -> weights.putFloats(name, t.shape().dims(), t.values()));
        weights.write(dir.resolve(WEIGHTS));

        SafeTensorsWriter optim = new SafeTensorsWriter();
        optim.metadata("rank", "0").metadata("world", "1").metadata("next_step", Integer.toString(index.nextStep()));
        for (ParamEntry e : table.inScatterOrder()) {
            String pre = "optim." + e.label() + ".";
            for (String field : FIELDS) {
                StateTensor t = state.optimizer().get(pre + field);
                if (t != null) {
                    optim.putFloats(e.label() + "/" + field, t.shape().dims(), t.floats());
                }
            }
            StateTensor step = state.optimizer().get(pre + "step");
            if (step != null) {
                optim.metadata(SCALAR + ADAM_STEP + e.label(), Double.toString(step.ints()[0]));
            }
        }
        optim.metadata(SCALAR + TIED, Double.toString(state.optimizer().get("optim.tied").ints()[0]));
        optim.write(dir.resolve(optimFile(0)));
        try {
            if (configText != null) {
                Files.writeString(dir.resolve(CONFIG), configText, StandardCharsets.UTF_8);
            }
            Files.writeString(dir.resolve(CheckpointStore.INDEX), index.toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("cannot write the checkpoint in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads the checkpoint in {@code dir}; every problem is one {@link CheckpointException} naming the folder. */
    public static Loaded read(Path dir, ParamTable table) {
        Path indexFile = dir.resolve(CheckpointStore.INDEX);
        String text;
        try {
            text = Files.readString(indexFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(Files.isDirectory(dir)
                    ? dir + " is not a complete checkpoint (no " + CheckpointStore.INDEX + ")"
                    : "checkpoint " + dir + " does not exist");
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + indexFile + ": " + e.getMessage(), e);
        }
        CheckpointIndex index = CheckpointIndex.parse(text, indexFile.toString());
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve(WEIGHTS))) {
            for (String name : f.names()) {
                weights.put(name, new HostTensor(Shape.of(f.entry(name).shape()), f.floats(name)));
            }
        }
        List<SafeTensorsFile> ranks = new ArrayList<>();
        try {
            for (int r = 0; r < index.world(); r++) {
                ranks.add(SafeTensorsFile.open(dir.resolve(optimFile(r))));
            }
            return new Loaded(dir, index, new TrainingState(weights, optimizerState(dir, index, table, ranks), index.yarn()));
        } finally {
            ranks.forEach(SafeTensorsFile::close);
        }
    }

    private static Map<String, StateTensor> optimizerState(Path dir, CheckpointIndex index, ParamTable table,
                                                           List<SafeTensorsFile> ranks) {
        Map<String, String> scalars = ranks.get(0).metadata();
        Map<String, StateTensor> out = new LinkedHashMap<>();
        for (ParamEntry e : table.inScatterOrder()) {
            CheckpointIndex.ParamInfo info = index.params().get(e.label());
            if (info == null) {
                throw new CheckpointException("checkpoint " + dir + " has no optimizer state for " + e.label()
                        + " (it has " + index.params().keySet() + "); it was written with another param table");
            }
            String pre = "optim." + e.label() + ".";
            out.put(pre + "slice", StateTensor.ofInts(0, info.units(), info.units()));
            Set<String> fields = new LinkedHashSet<>();
            for (SafeTensorsFile f : ranks) {
                for (String field : FIELDS) {
                    if (f.contains(e.label() + "/" + field)) {
                        fields.add(field);
                    }
                }
            }
            for (String field : fields) {
                out.put(pre + field, info.ranges().isEmpty()
                        ? whole(ranks.get(0), e.label() + "/" + field)
                        : merged(dir, ranks, e.label() + "/" + field, info));
            }
            String step = scalars.get(SCALAR + ADAM_STEP + e.label());
            if (step != null) {
                out.put(pre + "step", StateTensor.ofInts((int) Double.parseDouble(step)));
            }
        }
        String tied = scalars.get(SCALAR + TIED);
        if (tied == null) {
            throw new CheckpointException(dir.resolve(optimFile(0)) + " lacks the " + SCALAR + TIED + " entry");
        }
        out.put("optim.tied", StateTensor.ofInts((int) Double.parseDouble(tied)));
        return out;
    }

    private static StateTensor whole(SafeTensorsFile f, String name) {
        return StateTensor.ofFloats(Shape.of(f.entry(name).shape()), f.floats(name));
    }

    /** Concatenates each rank's rows of a sharded state tensor by the index's unit ranges. */
    private static StateTensor merged(Path dir, List<SafeTensorsFile> ranks, String name, CheckpointIndex.ParamInfo info) {
        if (info.ranges().size() != ranks.size()) {
            throw new CheckpointException(dir + ": " + name + " has " + info.ranges().size() + " rank ranges for "
                    + ranks.size() + " rank files");
        }
        int[] dims = null;
        float[] values = null;
        long unit = 0;
        for (int r = 0; r < ranks.size(); r++) {
            SafeTensorsFile f = ranks.get(r);
            int[] range = info.ranges().get(r);
            int[] shape = f.entry(name).shape();
            if (dims == null) {
                dims = shape.clone();
                dims[0] = info.units();
                unit = Arrays.stream(shape).skip(1).asLongStream().reduce(1, (a, b) -> a * b);
                values = new float[(int) (unit * info.units())];
            }
            if (shape[0] != range[1] - range[0]) {
                throw new CheckpointException(f.path() + ": " + name + " holds " + shape[0] + " units but the index gives rank "
                        + r + " units [" + range[0] + ", " + range[1] + ")");
            }
            System.arraycopy(f.floats(name), 0, values, (int) (range[0] * unit), (int) (shape[0] * unit));
        }
        return StateTensor.ofFloats(Shape.of(dims), values);
    }
}
