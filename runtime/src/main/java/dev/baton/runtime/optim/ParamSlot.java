package dev.baton.runtime.optim;

import dev.baton.runtime.param.Param;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * One parameter as this rank's optimizer sees it: its table entry, the model's tensors, the owned
 * slice, the NorMuon view (null for Adam) and the slice's state.
 */
record ParamSlot(ParamEntry entry, Param param, ShardSlice slice, MatrixView view, ParamState state) {

    /** Shape of the owned slice: rows of the parameter (Adam) or matrices of the view (NorMuon). */
    Shape sliceShape() {
        Shape full = view == null ? param.value().shape() : view.shape();
        return full.withLeading(slice.count());
    }

    Tensor valueSlice() {
        return slice(param.value());
    }

    Tensor gradSlice() {
        return slice(param.grad());
    }

    private Tensor slice(Tensor full) {
        Tensor t = view == null ? full : full.view(view.shape());
        return slice.isWhole() ? t : t.narrow(slice.start(), slice.count());
    }
}
