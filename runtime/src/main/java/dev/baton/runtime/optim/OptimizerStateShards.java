package dev.baton.runtime.optim;

import dev.baton.runtime.tensor.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles the state exported by every rank of a sharded run into whole tensors, so that a
 * run with another world size can take its own slices from it on import.
 */
public final class OptimizerStateShards {
    private OptimizerStateShards() {
    }

    /**
     * Concatenates each label's sliced tensors along their leading dimension by the recorded
     * {@code .slice}; unsliced entries (step counts, the tie flag) and replicated copies are
     * taken from the first rank that has them. Fails if some unit of a label is missing.
     */
    public static Map<String, StateTensor> merge(List<Map<String, StateTensor>> ranks) {
        Map<String, List<Map<String, StateTensor>>> holders = new LinkedHashMap<>();
        for (Map<String, StateTensor> r : ranks) {
            for (String name : r.keySet()) {
                holders.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
            }
        }
        Map<String, StateTensor> out = new LinkedHashMap<>();
        for (var e : holders.entrySet()) {
            String name = e.getKey();
            int dot = name.lastIndexOf('.');
            String sliceName = name.substring(0, dot + 1) + OptimizerStateIO.SLICE;
            StateTensor first = e.getValue().get(0).get(name);
            if (name.equals(sliceName)) {
                int total = first.ints()[2];
                out.put(name, StateTensor.ofInts(0, total, total));
            } else if (first.floats() != null && e.getValue().get(0).containsKey(sliceName)) {
                out.put(name, concat(name, sliceName, e.getValue()));
            } else {
                out.put(name, first);
            }
        }
        return out;
    }

    private static StateTensor concat(String name, String sliceName, List<Map<String, StateTensor>> holders) {
        int total = holders.get(0).get(sliceName).ints()[2];
        int[] dims = holders.get(0).get(name).shape().dims();
        dims[0] = total;
        Shape whole = Shape.of(dims);
        int unit = (int) (whole.numel() / Math.max(total, 1));
        float[] values = new float[(int) whole.numel()];
        boolean[] covered = new boolean[total];
        for (Map<String, StateTensor> r : holders) {
            int[] sl = r.get(sliceName).ints();
            if (sl[2] != total) {
                throw new IllegalArgumentException("ranks disagree on the units of " + name + ": " + sl[2] + " vs " + total);
            }
            System.arraycopy(r.get(name).floats(), 0, values, sl[0] * unit, sl[1] * unit);
            for (int u = sl[0]; u < sl[0] + sl[1]; u++) {
                covered[u] = true;
            }
        }
        for (int u = 0; u < total; u++) {
            if (!covered[u]) {
                throw new IllegalArgumentException("no rank holds unit " + u + " of " + name + "; is a shard missing?");
            }
        }
        return StateTensor.ofFloats(whole, values);
    }
}
