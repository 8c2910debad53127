package dev.baton.runtime.optim;

import dev.baton.runtime.tensor.Tensor;

/**
 * The record's Adam on one parameter slice: bias correction folded into the step size
 * lr·√(1−β2ᵗ)/(1−β1ᵗ), eps 1e-10 outside the correction, and cautious weight decay lr²·wd·wd_mul
 * applied only where the update already moves the weight towards zero.
 */
public final class Adam {
    private final OptimizerKernels kernels;
    private final AdamConfig config;

    public Adam(OptimizerKernels kernels, AdamConfig config) {
        this.kernels = kernels;
        this.config = config;
    }

    /**
     * Updates {@code p} in place from {@code g} (same shape: the slice's averaged, possibly
     * accumulated gradient) and advances the state's step count.
     */
    public void update(Tensor p, Tensor g, AdamState state, ParamEntry entry, double lrFactor) {
        state.setStep(state.step() + 1);
        int t = state.step();
        // the record's order of double operations, rounded to fp32 only when handed to the kernel
        double lr = config.lr() * lrFactor * entry.lrMul();
        double bias1 = 1 - Math.pow(entry.beta1(), t);
        double bias2 = 1 - Math.pow(entry.beta2(), t);
        double stepSize = lr * (Math.sqrt(bias2) / bias1);
        double effWd = lr * lr * config.weightDecay() * entry.wdMul();
        if (p.numel() == 0) {
            return;
        }
        kernels.adam(p, g, state.expAvg(), state.expAvgSq(),
                (float) entry.beta1(), (float) (1 - entry.beta1()),
                (float) entry.beta2(), (float) (1 - entry.beta2()),
                (float) config.eps(), (float) stepSize, (float) effWd);
    }
}
