package dev.baton.runtime.optim;

/**
 * Base NorMuon hyperparameters; the momentum comes from the schedule at every step.
 *
 * @param beta2 decay of the per-row (or per-column) second moment of the orthogonalised update
 */
public record NorMuonConfig(double lr, double beta2, double weightDecay) {
    public NorMuonConfig {
        if (!(lr > 0) || !(beta2 >= 0 && beta2 < 1) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("normuon: lr must be > 0, beta2 in [0, 1), weight-decay >= 0");
        }
    }

    /** The record's: lr 0.023, beta2 0.95, weight decay 1.2. */
    public static NorMuonConfig record() {
        return new NorMuonConfig(0.023, 0.95, 1.2);
    }
}
