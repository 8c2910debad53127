package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.Tensor;

/**
 * The record's NorMuon on the owned matrices of one bank: momentum and Nesterov mix, Polar
 * Express, variance normalisation with the second moment, then the lr step with cautious weight
 * decay. The lr of matrix m carries its shape and cycle multipliers; the weight decay factor uses
 * the scheduled base lr without them (wd·lr_base·lr_m per step, as the record).
 */
public final class NorMuon {
    private final Ops ops;
    private final OptimizerKernels kernels;
    private final NorMuonConfig config;
    private final PolarExpress polar;

    public NorMuon(Ops ops, OptimizerKernels kernels, NorMuonConfig config) {
        this.ops = ops;
        this.kernels = kernels;
        this.config = config;
        this.polar = new PolarExpress(ops, kernels);
    }

    /** A fresh zero state for the given slice of a bank with this view. */
    public NorMuonState newState(MatrixView view, ShardSlice slice) {
        return new NorMuonState(ops, polar, view, slice);
    }

    /**
     * Updates the owned matrices {@code p} (count, rows, cols) from their averaged gradient
     * {@code g} of the same shape. The gradient is only read.
     */
    public void update(Tensor p, Tensor g, NorMuonState state, ParamEntry entry, double lrFactor, double momentum) {
        ShardSlice slice = state.slice();
        if (slice.count() == 0) {
            return;
        }
        MatrixView view = state.view();
        double baseLr = config.lr() * lrFactor;
        float[] lr = new float[slice.count()];
        for (int i = 0; i < lr.length; i++) {
            lr[i] = (float) (entry.matrixLrMultiplier(view, slice.start() + i) * baseLr);
        }
        float wd = (float) (entry.wdMul() * config.weightDecay() * baseLr);

        kernels.nesterov(state.momentum(), g, state.update(), (float) (1 - momentum), (float) momentum);
        Tensor v = polar.apply(state.update(), state.workspace());
        kernels.normalizeVariance(v, state.secondMoment(), (float) (1 - config.beta2()), view.statsPerRow());
        kernels.cautiousStep(p, v, lr, wd);
    }
}
