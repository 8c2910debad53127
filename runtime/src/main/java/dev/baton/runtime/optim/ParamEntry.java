package dev.baton.runtime.optim;

import dev.baton.runtime.tensor.Shape;

import java.util.List;

/**
 * One row of the param table: how the parameter {@code param} (its name in the
 * {@link dev.baton.runtime.param.ParamSet}) is communicated and updated under its record label.
 *
 * @param label          the record's label, e.g. {@code attn}, {@code ve0}; names the optimizer state
 * @param param          the parameter's name, e.g. {@code attn_bank}, {@code value_embeds.0}
 * @param optimizer      Adam or NorMuon
 * @param comms          sharded or replicated
 * @param beta1          Adam β1 (unused by NorMuon, 0 there)
 * @param beta2          Adam β2 (unused by NorMuon, 0 there)
 * @param lrMul          multiplier of the scheduled base lr
 * @param wdMul          multiplier of the base weight decay
 * @param rowSplit       NorMuon: matrices stacked in the rows of the bank's last two dims (0 for Adam)
 * @param matrixLrCycle  NorMuon: extra lr multiplier of matrix m is {@code matrixLrCycle[m % size]}
 *                       ({@code [1, 2]} doubles the lr of the MLP's c_proj = odd matrices); empty for Adam
 */
public record ParamEntry(
        String label,
        String param,
        OptimizerKind optimizer,
        Comms comms,
        double beta1,
        double beta2,
        double lrMul,
        double wdMul,
        int rowSplit,
        List<Double> matrixLrCycle) {

    public ParamEntry {
        matrixLrCycle = List.copyOf(matrixLrCycle);
        if (label == null || label.isBlank() || param == null || param.isBlank()) {
            throw new IllegalArgumentException("param table entry needs a label and a parameter name");
        }
        if (optimizer == OptimizerKind.ADAM) {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("param table entry " + label + ": Adam betas must be in [0, 1), got ("
                        + beta1 + ", " + beta2 + ")");
            }
        } else if (rowSplit < 1 || matrixLrCycle.isEmpty()) {
            throw new IllegalArgumentException("param table entry " + label
                    + ": NorMuon needs row-split >= 1 and a non-empty matrix lr cycle");
        }
        if (!(lrMul >= 0) || !(wdMul >= 0)) {
            throw new IllegalArgumentException("param table entry " + label + ": lr and wd multipliers must be >= 0");
        }
    }

    /** An Adam entry. */
    public static ParamEntry adam(String label, String param, Comms comms, double beta1, double beta2,
                                  double lrMul, double wdMul) {
        return new ParamEntry(label, param, OptimizerKind.ADAM, comms, beta1, beta2, lrMul, wdMul, 0, List.of());
    }

    /** A NorMuon entry for a bank whose trailing rows hold {@code rowSplit} matrices. */
    public static ParamEntry normuon(String label, String param, Comms comms, double lrMul, double wdMul,
                                     int rowSplit, List<Double> matrixLrCycle) {
        return new ParamEntry(label, param, OptimizerKind.NORMUON, comms, 0, 0, lrMul, wdMul, rowSplit, matrixLrCycle);
    }

    public boolean isAdam() {
        return optimizer == OptimizerKind.ADAM;
    }

    /** The (n, rows, cols) view of a NorMuon parameter of this shape. */
    public MatrixView matrixView(Shape paramShape) {
        if (isAdam()) {
            throw new IllegalStateException("param table entry " + label + " is Adam and has no matrix view");
        }
        return MatrixView.of(paramShape, rowSplit);
    }

    /**
     * The total NorMuon lr multiplier of matrix {@code m} (global index in the view): the shape
     * multiplier times lrMul, times the cycle entry; in the record's multiplication order.
     */
    public double matrixLrMultiplier(MatrixView view, int m) {
        return view.shapeLrMultiplier() * lrMul * matrixLrCycle.get(m % matrixLrCycle.size());
    }

    /**
     * Units this parameter shards into: matrices of the view for NorMuon, leading-dimension rows
     * for Adam.
     */
    public int shardUnits(Shape paramShape) {
        return isAdam() ? (paramShape.rank() == 0 ? 1 : paramShape.dim(0)) : matrixView(paramShape).count();
    }
}
