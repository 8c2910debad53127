package dev.baton.runtime.optim;

/** Base Adam hyperparameters shared by every Adam entry (per-entry betas and multipliers live in the table). */
public record AdamConfig(double lr, double eps, double weightDecay) {
    public AdamConfig {
        if (!(lr > 0) || !(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("adam: lr and eps must be > 0 and weight-decay >= 0");
        }
    }

    /** The record's: lr 0.008, eps 1e-10 (not bias-corrected), weight decay 0.005. */
    public static AdamConfig record() {
        return new AdamConfig(0.008, 1e-10, 0.005);
    }
}
