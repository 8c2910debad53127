package dev.baton.runtime.schedule;

/**
 * One raise of the learning-rate plateau: once step / scheduled iterations is strictly greater
 * than {@code fraction}, the peak factor becomes {@code lrMax} (the record ties these to its
 * batch-size jumps: 1.52 after 1/3, 1.73 after 2/3).
 */
public record LrStep(double fraction, double lrMax) {
    public LrStep {
        if (!(fraction >= 0 && fraction <= 1) || !(lrMax > 0)) {
            throw new IllegalArgumentException("lr step needs 0 <= fraction <= 1 and lrMax > 0, got "
                    + fraction + " -> " + lrMax);
        }
    }
}
