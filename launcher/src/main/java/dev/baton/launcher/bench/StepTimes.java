package dev.baton.launcher.bench;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Wall times of a benchmark's steps in milliseconds: the warm-up steps (reported, never averaged)
 * and the timed steps, with their median and mean.
 */
public record StepTimes(List<Double> warmup, List<Double> timed) {
    public StepTimes {
        warmup = List.copyOf(warmup);
        timed = List.copyOf(timed);
        if (timed.isEmpty()) {
            throw new IllegalArgumentException("no timed steps");
        }
    }

    public double median() {
        double[] s = timed.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public double mean() {
        return timed.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    public double min() {
        return timed.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    public double max() {
        return timed.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** "812.1, 790.3" */
    static String list(List<Double> ms) {
        return ms.stream().map(m -> String.format("%.1f", m)).collect(Collectors.joining(", "));
    }
}
