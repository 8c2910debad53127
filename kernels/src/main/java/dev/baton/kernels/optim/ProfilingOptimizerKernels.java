package dev.baton.kernels.optim;

import dev.baton.kernels.ops.ProfilingOps;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.tensor.Tensor;

/**
 * Optimizer kernels that time each call on the same timeline as a {@link ProfilingOps} (its
 * events, its table), so that one profiled optimizer step shows its Adam, NorMuon and Polar
 * Express parts next to the model's operations. The wrapped kernels must enqueue on the stream
 * of the backend the {@code ProfilingOps} wraps. Closes only what it owns: nothing.
 */
public final class ProfilingOptimizerKernels implements OptimizerKernels {
    private final ProfilingOps timer;
    private final OptimizerKernels kernels;

    public ProfilingOptimizerKernels(ProfilingOps timer, OptimizerKernels kernels) {
        this.timer = timer;
        this.kernels = kernels;
    }

    @Override
    public void adam(Tensor p, Tensor g, Tensor expAvg, Tensor expAvgSq, float beta1, float oneMinusBeta1, float beta2,
                     float oneMinusBeta2, float eps, float stepSize, float effWd) {
        timer.time("opt.adam", () -> kernels.adam(p, g, expAvg, expAvgSq, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps,
                stepSize, effWd));
    }

    @Override
    public void nesterov(Tensor momentum, Tensor g, Tensor out, float oneMinusMu, float mu) {
        timer.time("opt.nesterov", () -> kernels.nesterov(momentum, g, out, oneMinusMu, mu));
    }

    @Override
    public void normalizeFrobenius(Tensor x, float safety, float eps) {
        timer.time("opt.normalizeFrobenius", () -> kernels.normalizeFrobenius(x, safety, eps));
    }

    @Override
    public void normalizeVariance(Tensor v, Tensor secondMoment, float oneMinusBeta2, boolean perRow) {
        timer.time("opt.normalizeVariance", () -> kernels.normalizeVariance(v, secondMoment, oneMinusBeta2, perRow));
    }

    @Override
    public void cautiousStep(Tensor p, Tensor v, float[] lr, float wd) {
        timer.time("opt.cautiousStep", () -> kernels.cautiousStep(p, v, lr, wd));
    }

    @Override
    public void addTransposed(Tensor dst, Tensor src) {
        timer.time("opt.addTransposed", () -> kernels.addTransposed(dst, src));
    }

    @Override
    public void transposeColumns(Tensor dst, Tensor src, int colStart) {
        timer.time("opt.transposeColumns", () -> kernels.transposeColumns(dst, src, colStart));
    }

    /** The wrapped kernels stay open: they are the caller's. */
    @Override
    public void close() {
    }
}
