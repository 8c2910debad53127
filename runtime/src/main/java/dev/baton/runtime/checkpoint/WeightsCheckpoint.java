package dev.baton.runtime.checkpoint;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model weights as a safetensors file under the record's parameter names ({@code embed},
 * {@code attn_bank}, {@code lm_head} in its (d, V) layout, ...) and the single-device shapes, so a
 * checkpoint moves between Baton and the PyTorch reference in both directions. Every checkpoint
 * folder holds one ({@link CheckpointIndex#WEIGHTS}); {@code --init-from}, {@code eval} and
 * {@code sample} read it.
 */
public final class WeightsCheckpoint {
    /** Metadata key naming the writer's format. */
    public static final String FORMAT_KEY = "format";
    public static final String FORMAT = "baton-weights-1";

    private WeightsCheckpoint() {
    }

    /** The weights file {@code path} names: the file itself, or the weights of a checkpoint folder. */
    public static Path file(Path path) {
        return Files.isDirectory(path) ? path.resolve(CheckpointIndex.WEIGHTS) : path;
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

    /** Reads the metadata of a weights file without loading tensors. */
    public static Map<String, String> metadata(Path path) {
        try (SafeTensorsFile f = SafeTensorsFile.open(path)) {
            return new LinkedHashMap<>(f.metadata());
        }
    }

    /**
     * Checks that {@code path} (a file, or a checkpoint folder) holds exactly the tensors
     * {@code expected} names with exactly those shapes; otherwise one message lists every missing,
     * misshapen and unexpected tensor. Returns the file.
     */
    public static Path check(Path path, Map<String, Shape> expected) {
        Path file = file(path);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(path + " is neither a safetensors file nor a checkpoint folder");
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            List<String> problems = new ArrayList<>();
            expected.forEach((name, shape) -> {
                if (!f.contains(name)) {
                    problems.add("missing " + name + " " + shape);
                } else if (!Arrays.equals(f.entry(name).shape(), shape.dims())) {
                    problems.add(name + " is " + Shape.of(f.entry(name).shape()) + " in the file but " + shape
                            + " in the model");
                }
            });
            for (String name : f.names()) {
                if (!expected.containsKey(name)) {
                    problems.add("unexpected " + name + " " + Shape.of(f.entry(name).shape()));
                }
            }
            if (!problems.isEmpty()) {
                throw new CheckpointException(file + " does not fit this model: " + String.join("; ", problems)
                        + ". Use weights written for the same model configuration.");
            }
        }
        return file;
    }

    /**
     * Loads every parameter's value from {@code path} (F32, BF16 or F64 tensors). The names and shapes
     * must match exactly ({@link #check}); otherwise nothing is loaded.
     */
    public static void load(Path path, ParamSet params, Ops ops) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Param p : params.all()) {
            shapes.put(p.name(), p.value().shape());
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(check(path, shapes))) {
            for (Param p : params.all()) {
                ops.write(p.value(), f.floats(p.name()));
            }
        }
    }
}
