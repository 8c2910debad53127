package dev.baton.runtime.checkpoint;

import dev.baton.runtime.data.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code index.json} of a checkpoint folder (docs/checkpoint-format.md), written last: its
 * presence makes the checkpoint complete. It says which step the checkpoint resumes at, how many
 * rank files hold the optimizer state and which units of each parameter every rank file holds (so
 * that any other world size can reassemble its own shards), the data loader's position, how far the
 * run had come (tokens, training time), whether gradients were left accumulating, and the
 * fingerprint of the model it was written for.
 *
 * <p>The folder's other files: {@link #WEIGHTS} (every parameter whole under its record name, in
 * its single-device shape), {@link #optimFile} per rank (tensors {@code <label>/<state>}), and
 * {@link #CONFIG} (the run's resolved configuration).
 *
 * @param world            rank files the optimizer state is split into
 * @param data             the loader position after the last step, as named integers
 * @param tokens           training tokens consumed before {@code nextStep}
 * @param elapsedMillis    training time before {@code nextStep} (validation and checkpoints excluded)
 * @param pendingGradients true when the last step left gradients accumulating that the files do not
 *                         hold: such a checkpoint (the end of a run) evaluates but does not resume
 */
public record CheckpointIndex(long nextStep, int world, Map<String, ParamInfo> params, Map<String, Long> data,
                              long tokens, long elapsedMillis, boolean pendingGradients, ModelFingerprint model) {
    public static final String FILE = "index.json";
    public static final String WEIGHTS = "weights.safetensors";
    public static final String CONFIG = "config.conf";
    public static final String FORMAT = "baton-checkpoint";
    public static final int VERSION = 2;

    /**
     * One parameter's optimizer state as it was split, by param-table label.
     *
     * @param layout    {@code bank} (NorMuon matrices), {@code rows} (sharded Adam) or {@code replicated}
     * @param shape     the parameter's allocated shape when written (a padded bank: padding included)
     * @param units     matrices or rows the state splits into
     * @param usedUnits units the model uses (a padded bank has fewer than {@code units})
     * @param ranges    [start, end) of the units in each rank's file; empty when replicated (rank 0 holds it)
     */
    public record ParamInfo(String layout, int[] shape, int units, int usedUnits, List<int[]> ranges) {
        public ParamInfo {
            shape = shape.clone();
            ranges = List.copyOf(ranges);
        }

        public boolean sharded() {
            return !ranges.isEmpty();
        }
    }

    public CheckpointIndex {
        params = new LinkedHashMap<>(params);
        data = new LinkedHashMap<>(data);
    }

    /** The optimizer-state file of {@code rank}. */
    public static String optimFile(int rank) {
        return String.format("optim-rank-%05d.safetensors", rank);
    }

    /** The entry of {@code label}, or one message naming the folder and what it holds instead. */
    public ParamInfo param(String label, Path dir) {
        ParamInfo p = params.get(label);
        if (p == null) {
            throw new CheckpointException("checkpoint " + dir + " has no parameter '" + label + "' (it has "
                    + params.keySet() + "); it was written for another model");
        }
        return p;
    }

    public String toJson() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"format\": \"").append(FORMAT).append("\", \"version\": ").append(VERSION)
                .append(", \"next_step\": ").append(nextStep).append(", \"world\": ").append(world).append(",\n");
        b.append("  \"params\": {\n");
        String sep = "";
        for (Map.Entry<String, ParamInfo> e : params.entrySet()) {
            ParamInfo p = e.getValue();
            b.append(sep).append("    ").append(Json.quote(e.getKey())).append(": {\"layout\": ").append(Json.quote(p.layout()))
                    .append(", \"shape\": ").append(ints(p.shape())).append(", \"units\": ").append(p.units())
                    .append(", \"used_units\": ").append(p.usedUnits()).append(", \"ranges\": [")
                    .append(p.ranges().stream().map(CheckpointIndex::ints).collect(Collectors.joining(", "))).append("]}");
            sep = ",\n";
        }
        b.append("\n  },\n  \"data\": {");
        sep = "";
        for (Map.Entry<String, Long> e : data.entrySet()) {
            b.append(sep).append(Json.quote(e.getKey())).append(": ").append(e.getValue());
            sep = ", ";
        }
        b.append("},\n");
        b.append("  \"run\": {\"tokens\": ").append(tokens).append(", \"elapsed_ms\": ").append(elapsedMillis)
                .append(", \"pending_gradients\": ").append(pendingGradients).append(",\n");
        b.append("    \"model_digest\": ").append(Json.quote(model.digest())).append(",\n    \"model\": {");
        sep = "";
        for (Map.Entry<String, String> e : model.fields().entrySet()) {
            b.append(sep).append(Json.quote(e.getKey())).append(": ").append(Json.quote(e.getValue()));
            sep = ", ";
        }
        b.append("}}\n}\n");
        return b.toString();
    }

    /** Writes this index into {@code dir} (the last file of a checkpoint, before its folder is committed). */
    public void write(Path dir) {
        try {
            Files.writeString(dir.resolve(FILE), toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code dir/index.json}; a missing, foreign or corrupt file gives one message naming it. */
    public static CheckpointIndex read(Path dir) {
        Path file = dir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(Files.isDirectory(dir)
                    ? dir + " is not a complete checkpoint (no " + FILE + "): it was interrupted while being written; "
                    + "resume from an earlier one"
                    : "checkpoint " + dir + " does not exist");
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses an index; {@code source} names the file in messages. */
    public static CheckpointIndex parse(String text, String source) {
        try {
            Map<String, Object> root = object(Json.parse(text));
            if (!FORMAT.equals(root.get("format"))) {
                throw new CheckpointException(source + " is not a Baton checkpoint index");
            }
            if (number(root, "version") != VERSION) {
                throw new CheckpointException(source + " has format version " + root.get("version")
                        + "; this Baton reads version " + VERSION);
            }
            Map<String, ParamInfo> params = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : object(root.get("params")).entrySet()) {
                Map<String, Object> m = object(e.getValue());
                List<int[]> ranges = new ArrayList<>();
                for (Object r : (List<?>) m.get("ranges")) {
                    ranges.add(intArray(r));
                }
                params.put(e.getKey(), new ParamInfo((String) m.get("layout"), intArray(m.get("shape")),
                        (int) number(m, "units"), (int) number(m, "used_units"), ranges));
            }
            Map<String, Long> data = new LinkedHashMap<>();
            object(root.get("data")).forEach((k, v) -> data.put(k, ((Number) v).longValue()));
            Map<String, Object> run = object(root.get("run"));
            Map<String, String> model = new LinkedHashMap<>();
            object(run.get("model")).forEach((k, v) -> model.put(k, String.valueOf(v)));
            return new CheckpointIndex(number(root, "next_step"), (int) number(root, "world"), params, data,
                    number(run, "tokens"), number(run, "elapsed_ms"), Boolean.TRUE.equals(run.get("pending_gradients")),
                    new ModelFingerprint(model));
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            // malformed JSON, a missing field or a value of the wrong type
            throw new CheckpointException(source + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static String ints(int[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return b.append(']').toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("expected an object, found " + o);
        }
        return (Map<String, Object>) o;
    }

    private static long number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("\"" + key + "\" is missing or not a number");
        }
        return n.longValue();
    }

    private static int[] intArray(Object o) {
        List<?> l = (List<?>) o;
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).intValue();
        }
        return out;
    }
}
