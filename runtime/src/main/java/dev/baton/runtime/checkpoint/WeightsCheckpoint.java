package dev.baton.runtime.checkpoint;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model weights as a safetensors file under the record's parameter names ({@code embed},
 * {@code attn_bank}, {@code lm_head} in its (d, V) layout, ...), so a checkpoint moves between Baton
 * and the PyTorch reference in both directions. This is what {@code --init-from} reads.
 */
public final class WeightsCheckpoint {
    /** Metadata key naming the writer's format. */
    public static final String FORMAT_KEY = "format";
    public static final String FORMAT = "baton-weights-1";

    private WeightsCheckpoint() {
    }

    /** Writes every parameter's value as F32 (atomically), with {@code metadata} added to the header. */
    public static void save(Path path, ParamSet params, Ops ops, Map<String, String> metadata) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        w.metadata(FORMAT_KEY, FORMAT);
        metadata.forEach(w::metadata);
        for (Param p : params.all()) {
            w.putFloats(p.name(), p.value().shape().dims(), ops.download(p.value()));
        }
        w.write(path);
    }

    /**
     * Reads the metadata of a weights file without loading tensors.
     */
    public static Map<String, String> metadata(Path path) {
        try (SafeTensorsFile f = SafeTensorsFile.open(path)) {
            return new LinkedHashMap<>(f.metadata());
        }
    }

    /**
     * Loads every parameter's value from {@code path} (F32, BF16 or F64 tensors). The names and shapes
     * must match exactly; otherwise nothing is loaded and one message lists every difference.
     */
    public static void load(Path path, ParamSet params, Ops ops) {
        try (SafeTensorsFile f = SafeTensorsFile.open(path)) {
            List<String> problems = new ArrayList<>();
            for (Param p : params.all()) {
                if (!f.contains(p.name())) {
                    problems.add("missing " + p.name() + " " + p.value().shape());
                    continue;
                }
                int[] stored = f.entry(p.name()).shape();
                if (!Arrays.equals(stored, p.value().shape().dims())) {
                    problems.add(p.name() + " is " + shape(stored) + " in the file but " + p.value().shape()
                            + " in the model");
                }
            }
            for (String name : f.names()) {
                if (!params.contains(name)) {
                    problems.add("unexpected " + name + " " + shape(f.entry(name).shape()));
                }
            }
            if (!problems.isEmpty()) {
                throw new CheckpointException(path + " does not fit this model: " + String.join("; ", problems)
                        + ". Use a checkpoint written for the same model configuration.");
            }
            for (Param p : params.all()) {
                ops.write(p.value(), f.floats(p.name()));
            }
        }
    }

    private static String shape(int[] dims) {
        return Arrays.toString(dims).replace('[', '(').replace(']', ')');
    }
}
