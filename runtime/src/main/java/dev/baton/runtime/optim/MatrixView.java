package dev.baton.runtime.optim;

import dev.baton.runtime.tensor.Shape;

/**
 * A NorMuon bank seen, without copying, as {@code count} matrices of {@code rows × cols}: the
 * unit of sharding and of orthogonalisation. The attention bank (L, 4d, d) splits each entry's
 * rows in 4 (Q, K, V, O) giving (4L, d, d); the MLP bank (L+pad, 2, 4d, d) gives (2(L+pad), 4d, d).
 */
public record MatrixView(int count, int rows, int cols) {
    public MatrixView {
        if (count <= 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("matrix view needs positive sizes, got (" + count + ", " + rows + ", " + cols + ")");
        }
    }

    /**
     * The view of a bank whose last two dimensions hold {@code rowSplit} matrices stacked along
     * the rows; every leading dimension multiplies the count.
     */
    public static MatrixView of(Shape bank, int rowSplit) {
        if (bank.rank() < 2) {
            throw new IllegalArgumentException("a NorMuon bank needs at least 2 dimensions, got " + bank);
        }
        int r = bank.dim(-2);
        if (rowSplit <= 0 || r % rowSplit != 0) {
            throw new IllegalArgumentException("cannot split the " + r + " rows of bank " + bank + " into " + rowSplit + " matrices");
        }
        int rows = r / rowSplit;
        int cols = bank.dim(-1);
        return new MatrixView((int) (bank.numel() / ((long) rows * cols)), rows, cols);
    }

    public Shape shape() {
        return Shape.of(count, rows, cols);
    }

    /** Per-row statistics when rows >= cols (the record's reduction over the last dimension). */
    public boolean statsPerRow() {
        return rows >= cols;
    }

    /** Shape of the second-moment buffer for {@code n} matrices: (n, rows, 1) or (n, 1, cols). */
    public Shape secondMomentShape(int n) {
        return statsPerRow() ? Shape.of(n, rows, 1) : Shape.of(n, 1, cols);
    }

    /** The record's NorMuon shape multiplier sqrt(max(1, rows / cols)). */
    public double shapeLrMultiplier() {
        return Math.sqrt(Math.max(1.0, (double) rows / cols));
    }
}
