package dev.baton.runtime.model.golf;

import java.util.ArrayList;
import java.util.List;

/**
 * How many times the Universal Transformer's shared block runs, by training step, parsed from the
 * seed's {@code NUM_LAYER_SCHEDULE} form {@code "0:2,2000:6"}: from step 0 two depths, from step
 * 2000 six. Entries are {@code step:depth} with strictly increasing steps, the first at step 0.
 * Every depth's buffers exist from the start, so a switch allocates nothing.
 */
public record DepthSchedule(long[] steps, int[] depths) {

    public DepthSchedule {
        steps = steps.clone();
        depths = depths.clone();
    }

    /** Parses {@code "step:depth,step:depth,..."}; a bad string is refused with what is wrong in it. */
    public static DepthSchedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("depth schedule is empty; write step:depth pairs such as \"0:2,2000:6\"");
        }
        List<long[]> entries = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String[] kv = part.trim().split(":", -1);
            long step;
            long depth;
            try {
                if (kv.length != 2) {
                    throw new NumberFormatException();
                }
                step = Long.parseLong(kv[0].trim());
                depth = Long.parseLong(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("depth schedule \"" + text + "\": entry \"" + part.trim()
                        + "\" is not step:depth (whole numbers), e.g. \"0:2,2000:6\"");
            }
            if (step < 0 || depth < 1 || depth > 64) {
                throw new IllegalArgumentException("depth schedule \"" + text + "\": entry \"" + part.trim()
                        + "\" needs step >= 0 and depth in 1..64");
            }
            if (!entries.isEmpty() && step <= entries.get(entries.size() - 1)[0]) {
                throw new IllegalArgumentException("depth schedule \"" + text + "\": steps must increase strictly");
            }
            entries.add(new long[] {step, depth});
        }
        if (entries.get(0)[0] != 0) {
            throw new IllegalArgumentException("depth schedule \"" + text + "\": the first entry must be at step 0");
        }
        long[] s = new long[entries.size()];
        int[] d = new int[entries.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = entries.get(i)[0];
            d[i] = (int) entries.get(i)[1];
        }
        return new DepthSchedule(s, d);
    }

    /** One depth for every step. */
    public static DepthSchedule constant(int depth) {
        return parse("0:" + depth);
    }

    /** The depth of training step {@code step} (the last entry at or before it). */
    public int depthAt(long step) {
        int d = depths[0];
        for (int i = 0; i < steps.length && steps[i] <= step; i++) {
            d = depths[i];
        }
        return d;
    }

    /** The depth after the last switch: the one evaluation and export use. */
    public int finalDepth() {
        return depths[depths.length - 1];
    }

    /** The most depths any step runs: what the model allocates for. */
    public int maxDepth() {
        int m = 0;
        for (int d : depths) {
            m = Math.max(m, d);
        }
        return m;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < steps.length; i++) {
            b.append(i == 0 ? "" : ",").append(steps[i]).append(':').append(depths[i]);
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DepthSchedule other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
