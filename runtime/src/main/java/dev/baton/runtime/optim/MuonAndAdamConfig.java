package dev.baton.runtime.optim;

/**
 * The golf baseline's optimizer hyperparameters ({@code train_gpt.py}'s defaults in parentheses).
 *
 * @param matrixLr           Muon lr of the block matrices (0.04)
 * @param scalarLr           Adam lr of vectors, control tensors and skip weights (0.04)
 * @param embedLr            Adam lr of the (tied) token embedding (0.05)
 * @param momentum           Muon momentum after the warm-up (0.95)
 * @param momentumStart      Muon momentum at step 0 (0.85)
 * @param momentumWarmup     steps of the linear momentum warm-up (500; 0 = none)
 * @param newtonSchulzSteps  Newton–Schulz iterations (5)
 * @param beta1              Adam β1 (0.9)
 * @param beta2              Adam β2 (0.95)
 * @param eps                Adam ε, added to the bias-corrected √v as in torch.optim.Adam (1e-8)
 */
public record MuonAndAdamConfig(double matrixLr, double scalarLr, double embedLr, double momentum,
                                double momentumStart, int momentumWarmup, int newtonSchulzSteps, double beta1,
                                double beta2, double eps) {
    public MuonAndAdamConfig {
        if (!(matrixLr >= 0 && scalarLr >= 0 && embedLr >= 0) || !(momentum >= 0 && momentum < 1)
                || !(momentumStart >= 0 && momentumStart < 1) || momentumWarmup < 0 || newtonSchulzSteps < 1
                || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
            throw new IllegalArgumentException("invalid golf optimizer settings: " + this);
        }
    }

    /** The baseline's values. */
    public static MuonAndAdamConfig baseline() {
        return new MuonAndAdamConfig(0.04, 0.04, 0.05, 0.95, 0.85, 500, 5, 0.9, 0.95, 1e-8);
    }

    /** Muon's momentum at {@code step}: linear from momentumStart to momentum over the warm-up. */
    public double momentumAt(long step) {
        double frac = momentumWarmup > 0 ? Math.min((double) step / momentumWarmup, 1.0) : 1.0;
        return (1 - frac) * momentumStart + frac * momentum;
    }
}
