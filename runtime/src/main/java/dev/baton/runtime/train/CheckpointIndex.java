package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.json.Json;
import dev.baton.runtime.schedule.YarnTransition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code index.json} of a checkpoint folder, written last. Its common part is the actor
 * runtime's sharded-checkpoint index (docs/checkpoint-format.md: format, version, next step, the
 * world of rank files, each parameter's layout, units and per-rank unit ranges by param-table
 * label, the loader position), so either side can read the other's; the {@code trainer} object
 * adds what the training loop needs: tokens and training time so far, whether Adam gradients were
 * pending, the rotary state and the model fingerprint.
 *
 * @param world rank files {@code optim-rank-RRRRR.safetensors} the optimizer state is split into
 */
public record CheckpointIndex(int nextStep, int world, Map<String, ParamInfo> params, LoaderState data, long tokens,
                              long elapsedMillis, boolean pendingAdamGradients, YarnState yarn, ModelFingerprint model) {
    public static final String FORMAT = "baton-sharded-checkpoint";
    public static final int VERSION = 1;

    /**
     * One parameter as its optimizer state was split.
     *
     * @param layout    {@code bank} (NorMuon matrices), {@code rows} (sharded Adam) or {@code replicated}
     * @param units     matrices or rows the state splits into
     * @param usedUnits units the model uses (a padded bank has fewer than {@code units})
     * @param ranges    [start, end) of the units in each rank's file; empty when replicated (rank 0 holds it)
     */
    public record ParamInfo(String layout, int[] shape, int units, int usedUnits, List<int[]> ranges) {
        public ParamInfo {
            shape = shape.clone();
            ranges = List.copyOf(ranges);
        }
    }

    public CheckpointIndex {
        params = new LinkedHashMap<>(params);
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
        b.append("\n  },\n");
        b.append("  \"data\": {\"epoch\": ").append(data.epoch()).append(", \"shard\": ").append(data.shardIndex())
                .append(", \"cursor\": ").append(data.cursor()).append("},\n");
        b.append("  \"trainer\": {\"tokens\": ").append(tokens).append(", \"elapsed_ms\": ").append(elapsedMillis)
                .append(", \"pending_adam_gradients\": ").append(pendingAdamGradients).append(",\n");
        b.append("    \"yarn\": {\"transitions\": [")
                .append(yarn.applied().stream().map(t -> ints(new int[] {t.oldLongBlocks(), t.newLongBlocks()}))
                        .collect(Collectors.joining(", ")))
                .append("], \"attn_scale\": ").append(yarn.attnScale()).append(", \"paired_attn_scale\": ")
                .append(yarn.pairedAttnScale()).append("},\n");
        b.append("    \"model_digest\": ").append(Json.quote(model.digest())).append(",\n    \"model\": {");
        sep = "";
        for (Map.Entry<String, String> e : model.fields().entrySet()) {
            b.append(sep).append(Json.quote(e.getKey())).append(": ").append(Json.quote(e.getValue()));
            sep = ", ";
        }
        b.append("}}\n}\n");
        return b.toString();
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
            Map<String, Object> data = object(root.get("data"));
            Object t = root.get("trainer");
            if (t == null) {
                throw new CheckpointException(source + " has no \"trainer\" section (written by another tool?): "
                        + "the training loop needs its step counters and rotary state");
            }
            Map<String, Object> trainer = object(t);
            Map<String, Object> yarn = object(trainer.get("yarn"));
            List<YarnTransition> transitions = new ArrayList<>();
            for (Object o : (List<?>) yarn.get("transitions")) {
                int[] p = intArray(o);
                transitions.add(new YarnTransition(p[0], p[1]));
            }
            Map<String, String> model = new LinkedHashMap<>();
            object(trainer.get("model")).forEach((k, v) -> model.put(k, String.valueOf(v)));
            return new CheckpointIndex((int) number(root, "next_step"), (int) number(root, "world"), params,
                    new LoaderState((int) number(data, "epoch"), (int) number(data, "shard"), (int) number(data, "cursor")),
                    number(trainer, "tokens"), number(trainer, "elapsed_ms"),
                    Boolean.TRUE.equals(trainer.get("pending_adam_gradients")),
                    new YarnState(transitions, ((Number) yarn.get("attn_scale")).doubleValue(),
                            ((Number) yarn.get("paired_attn_scale")).doubleValue()),
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
