package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Tensor;

/**
 * NorMuon's fp32 state for the matrices [start, start+count) of one bank: the momentum buffer, the
 * un-bias-corrected second moment (per row or per column of each matrix), and scratch for the
 * Nesterov mix and Polar Express. On the CPU the fp32 parameter itself is the master weight; a
 * bf16 backend keeps its master (the record's mantissa) beside these buffers.
 */
public final class NorMuonState implements ParamState {
    private final MatrixView view;
    private final ShardSlice slice;
    private final Tensor momentum;
    private final Tensor secondMoment;
    private final Tensor update;
    private final PolarExpress.Workspace workspace;

    NorMuonState(Ops ops, PolarExpress polar, MatrixView view, ShardSlice slice) {
        this.view = view;
        this.slice = slice;
        int n = slice.count();
        this.momentum = ops.allocate(view.shape().withLeading(n), DType.F32);
        this.secondMoment = ops.allocate(view.secondMomentShape(n), DType.F32);
        // the Nesterov mix is Polar Express's input: in the activation type (bf16 on CUDA, as the record)
        this.update = ops.allocate(view.shape().withLeading(n), ops.activationType());
        this.workspace = polar.workspace(n, view.rows(), view.cols());
    }

    public MatrixView view() {
        return view;
    }

    public ShardSlice slice() {
        return slice;
    }

    public Tensor momentum() {
        return momentum;
    }

    public Tensor secondMoment() {
        return secondMoment;
    }

    Tensor update() {
        return update;
    }

    PolarExpress.Workspace workspace() {
        return workspace;
    }

    @Override
    public void close() {
        momentum.close();
        secondMoment.close();
        update.close();
        workspace.close();
    }
}
