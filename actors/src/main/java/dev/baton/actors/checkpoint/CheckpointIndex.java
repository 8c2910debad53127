package dev.baton.actors.checkpoint;

import dev.baton.actors.json.Json;
import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ParamShards;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code index.json} of a sharded checkpoint, written last: which step it resumes at, the
 * world size it was written with, each parameter's layout and which units each rank's file holds,
 * and the data loader's position. Its presence is what makes a checkpoint directory complete.
 *
 * <p>Files beside it: {@code weights.safetensors} (rank 0: every parameter whole, under its own
 * name) and {@code optim-rank-RRRRR.safetensors} for each rank r (tensors {@code <param>/<state>}:
 * the rank's shard of sharded state, leading dimension = its owned units; rank 0 also holds the
 * whole state of replicated parameters; metadata {@code scalar:<name>} for the optimizer's
 * scalars). See docs/checkpoint-format.md.
 */
public record CheckpointIndex(long nextStep, int world, Map<String, ParamInfo> params, Map<String, Long> data) {
    public static final String FILE = "index.json";
    public static final String WEIGHTS = "weights.safetensors";
    public static final String FORMAT = "baton-sharded-checkpoint";
    public static final int VERSION = 1;

    /** One parameter as it was sharded when the checkpoint was written. */
    public record ParamInfo(String layout, long[] shape, int units, int usedUnits, List<ShardRange> ranges) {
        public ParamInfo {
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

    /** The index for a checkpoint taken with {@code plan}, resuming at {@code nextStep}. */
    public static CheckpointIndex of(long nextStep, ShardPlan plan, Map<String, Long> data) {
        Map<String, ParamInfo> params = new LinkedHashMap<>();
        for (ParamShards s : plan.params().values()) {
            ParamLayout l = s.layout();
            String kind = l instanceof ParamLayout.Bank ? "bank" : l instanceof ParamLayout.Rows ? "rows" : "replicated";
            long[] shape = new long[l.shape().rank()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = l.shape().dim(i);
            }
            params.put(l.name(), new ParamInfo(kind, shape, l.units(), l.usedUnits(),
                    s.sharded() ? s.partition().ranges() : List.of()));
        }
        return new CheckpointIndex(nextStep, plan.world(), params, data);
    }

    public static String optimFile(int rank) {
        return String.format("optim-rank-%05d.safetensors", rank);
    }

    public ParamInfo param(String name, Path dir) {
        ParamInfo p = params.get(name);
        if (p == null) {
            throw new CheckpointException("checkpoint " + dir + " has no parameter '" + name + "' (it has "
                    + params.keySet() + "); it was written for another model");
        }
        return p;
    }

    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("next_step", nextStep);
        root.put("world", world);
        Map<String, Object> ps = new LinkedHashMap<>();
        for (Map.Entry<String, ParamInfo> e : params.entrySet()) {
            ParamInfo p = e.getValue();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layout", p.layout());
            m.put("shape", p.shape());
            m.put("units", p.units());
            m.put("used_units", p.usedUnits());
            List<Object> rs = new ArrayList<>();
            for (ShardRange r : p.ranges()) {
                rs.add(new int[] {r.start(), r.end()});
            }
            m.put("ranges", rs);
            ps.put(e.getKey(), m);
        }
        root.put("params", ps);
        root.put("data", data);
        return Json.write(root);
    }

    /** Reads {@code dir/index.json}; a missing or foreign file gives one message naming the directory. */
    public static CheckpointIndex read(Path dir) {
        Path file = dir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(dir + " is not a complete checkpoint (no " + FILE
                    + "): it was interrupted while being written; resume from an earlier one");
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            Map<String, Object> root = Json.parseObject(text);
            if (!FORMAT.equals(root.get("format"))) {
                throw new CheckpointException(file + " is not a Baton sharded checkpoint index");
            }
            if (((Number) root.get("version")).intValue() != VERSION) {
                throw new CheckpointException(file + " has format version " + root.get("version")
                        + "; this Baton reads version " + VERSION);
            }
            Map<String, ParamInfo> params = new LinkedHashMap<>();
            Map<?, ?> ps = (Map<?, ?>) root.get("params");
            for (Map.Entry<?, ?> e : ps.entrySet()) {
                Map<?, ?> m = (Map<?, ?>) e.getValue();
                List<?> shapeList = (List<?>) m.get("shape");
                long[] shape = new long[shapeList.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = ((Number) shapeList.get(i)).longValue();
                }
                List<ShardRange> ranges = new ArrayList<>();
                for (Object r : (List<?>) m.get("ranges")) {
                    List<?> pair = (List<?>) r;
                    ranges.add(new ShardRange(((Number) pair.get(0)).intValue(), ((Number) pair.get(1)).intValue()));
                }
                params.put(String.valueOf(e.getKey()), new ParamInfo(String.valueOf(m.get("layout")), shape,
                        ((Number) m.get("units")).intValue(), ((Number) m.get("used_units")).intValue(), ranges));
            }
            Map<String, Long> data = new LinkedHashMap<>();
            ((Map<?, ?>) root.get("data")).forEach((k, v) -> data.put(String.valueOf(k), ((Number) v).longValue()));
            return new CheckpointIndex(((Number) root.get("next_step")).longValue(),
                    ((Number) root.get("world")).intValue(), params, data);
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new CheckpointException(file + " is corrupt: " + e.getMessage(), e);
        }
    }
}
