package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * Adam's fp32 moments for one parameter slice and the number of Adam updates this parameter has
 * taken (its bias-correction exponent; Adam runs only on Adam steps, so t ≠ training step).
 */
public final class AdamState implements ParamState {
    private final Tensor expAvg;
    private final Tensor expAvgSq;
    private int step;

    AdamState(Ops ops, Shape sliceShape) {
        this.expAvg = ops.allocate(sliceShape, DType.F32);
        this.expAvgSq = ops.allocate(sliceShape, DType.F32);
    }

    public Tensor expAvg() {
        return expAvg;
    }

    public Tensor expAvgSq() {
        return expAvgSq;
    }

    /** Adam updates taken so far. */
    public int step() {
        return step;
    }

    void setStep(int t) {
        if (t < 0) {
            throw new IllegalArgumentException("negative Adam step count " + t);
        }
        this.step = t;
    }

    @Override
    public void close() {
        expAvg.close();
        expAvgSq.close();
    }
}
