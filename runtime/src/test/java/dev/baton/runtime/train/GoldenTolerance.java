package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.SafeTensorsFile;

import java.util.List;

/**
 * Compares one snapshot of a tensor with the golden file (whole, or the sampled values plus the
 * [sum, Σx², max|x|] statistics of a large tensor) under a {@link Bound}, recording each failure
 * as a line and the worst ratio |diff| / bound seen.
 */
final class GoldenTolerance {
    /**
     * @param atol      absolute part of the bound on every value
     * @param rtolOfMax part of the bound proportional to max|golden tensor|
     * @param sqRtol    relative bound on the sum of squares; sums are compared to 100× that
     *                  times the L2 norm (sums of large tensors cancel, reference/README.md)
     */
    record Bound(double atol, double rtolOfMax, double sqRtol) {
    }

    private final SafeTensorsFile golden;
    private final List<String> failures;
    private double worstRatio;
    private String worstKey = "";
    private double worstDiff;
    private double worstSq;
    private String worstSqKey = "";

    GoldenTolerance(SafeTensorsFile golden, List<String> failures) {
        this.golden = golden;
        this.failures = failures;
    }

    /** Whether the golden file stores {@code key}, whole or sampled. */
    boolean has(String key) {
        return golden.contains(key) || golden.contains(key + ".val");
    }

    /**
     * @param key   snapshot key without {@code .val}/{@code .stats}, e.g. {@code step.3.grad.attn_bank}
     * @param param the parameter whose sample indices apply
     * @param mine  the Java tensor, flat
     */
    void compare(String key, String param, float[] mine, Bound b) {
        if (golden.contains(key)) {
            float[] ref = golden.floats(key);
            if (ref.length != mine.length) {
                failures.add(key + ": " + ref.length + " golden values, " + mine.length + " here");
                return;
            }
            double max = 0;
            for (float v : ref) {
                max = Math.max(max, Math.abs(v));
            }
            check(key, ref, mine, null, b.atol() + b.rtolOfMax() * max);
            return;
        }
        int[] idx = golden.ints("sample." + param);
        float[] ref = golden.floats(key + ".val");
        double[] stats = golden.doubles(key + ".stats");
        check(key, ref, mine, idx, b.atol() + b.rtolOfMax() * stats[2]);
        double sum = 0;
        double sq = 0;
        for (float v : mine) {
            sum += v;
            sq += (double) v * v;
        }
        double norm = Math.sqrt(stats[1]);
        if (Math.abs(sum - stats[0]) > 100 * b.sqRtol() * norm + 1e-12) {
            failures.add(key + ": sum " + sum + " vs golden " + stats[0] + " (L2 norm " + norm + ")");
        }
        double sqRel = stats[1] == 0 ? sq : Math.abs(sq - stats[1]) / stats[1];
        if (sqRel > worstSq) {
            worstSq = sqRel;
            worstSqKey = key;
        }
        if (sqRel > b.sqRtol()) {
            failures.add(key + ": sum of squares " + sq + " vs golden " + stats[1]);
        }
    }

    private void check(String key, float[] ref, float[] mine, int[] idx, double bound) {
        int bad = 0;
        for (int j = 0; j < ref.length; j++) {
            float v = mine[idx == null ? j : idx[j]];
            double diff = Math.abs((double) ref[j] - v);
            if (!(diff <= bound)) {
                if (bad++ < 3) {
                    failures.add(key + "[" + (idx == null ? j : idx[j]) + "]: golden " + ref[j] + ", here " + v
                            + " (|diff| " + diff + " > " + bound + ")");
                }
            }
            if (diff / bound > worstRatio) {
                worstRatio = diff / bound;
                worstKey = key;
                worstDiff = diff;
            }
        }
        if (bad > 3) {
            failures.add(key + ": " + bad + " values outside the bound in all");
        }
    }

    /** The largest |diff| / bound and relative Σx² error so far, then resets. */
    String takeWorst() {
        String s = String.format("worst %.3f of the bound (%s, |diff| %.2e), sum of squares %.1e (%s)", worstRatio,
                worstKey, worstDiff, worstSq, worstSqKey);
        worstRatio = 0;
        worstKey = "";
        worstDiff = 0;
        worstSq = 0;
        worstSqKey = "";
        return s;
    }
}
