package dev.baton.actors.replay;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An average of measured samples that drops the highest and lowest tenth first: a CPU run has
 * the odd thread wake-up that takes milliseconds, and one such sample should not move a
 * calibrated duration. With fewer than ten samples it is the plain mean.
 */
public final class TrimmedMean {
    private final List<Double> samples = new ArrayList<>();

    public void add(double value) {
        samples.add(value);
    }

    public int count() {
        return samples.size();
    }

    public double value() {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(samples);
        Collections.sort(s);
        int drop = s.size() / 10;
        double sum = 0;
        for (int i = drop; i < s.size() - drop; i++) {
            sum += s.get(i);
        }
        return sum / (s.size() - 2 * drop);
    }
}
