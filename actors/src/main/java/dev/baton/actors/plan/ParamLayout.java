package dev.baton.actors.plan;

import dev.baton.runtime.tensor.Shape;

/**
 * How a parameter is distributed: a bank of matrices split by whole matrices, a tensor split
 * by rows of its first dimension, or a tensor every rank holds whole. A "unit" is the piece
 * that is never split: a matrix, a row, or the whole replicated tensor.
 */
public sealed interface ParamLayout permits ParamLayout.Bank, ParamLayout.Rows, ParamLayout.Replicated {
    String name();

    /** The allocated shape, padding included. */
    Shape shape();

    /** Number of units in the allocated tensor. */
    int units();

    /** Elements per unit. */
    long unitElements();

    /** Units the model really uses; the rest is padding that only exists to split evenly. */
    default int usedUnits() {
        return units();
    }

    default boolean sharded() {
        return !(this instanceof Replicated);
    }

    /**
     * A NorMuon bank viewed as {@code (n, rows, cols)} matrices, split by whole matrices.
     *
     * @param usedMatrices matrices the model uses (the first ones); the rest is padding
     * @param padUnit      0 when the bank is split as it is (uneven splits allowed, e.g. attention);
     *                     k when the bank is padded by k matrices at a time (one MLP layer = 2)
     *                     and must split evenly over the ranks
     */
    record Bank(String name, Shape shape, int rows, int cols, int usedMatrices, int padUnit) implements ParamLayout {
        public Bank {
            long per = (long) rows * cols;
            if (rows <= 0 || cols <= 0 || shape.numel() % per != 0) {
                throw new IllegalArgumentException("bank '" + name + "' of shape " + shape
                        + " cannot be viewed as matrices of (" + rows + ", " + cols + ")");
            }
            long n = shape.numel() / per;
            if (usedMatrices < 0 || usedMatrices > n) {
                throw new IllegalArgumentException("bank '" + name + "' uses " + usedMatrices
                        + " matrices but has only " + n);
            }
            if (padUnit < 0 || (padUnit > 0 && usedMatrices % padUnit != 0)) {
                throw new IllegalArgumentException("bank '" + name + "': used matrices " + usedMatrices
                        + " are not whole padding units of " + padUnit);
            }
        }

        /** A bank without padding: every matrix is used and it is split as it is. */
        public static Bank unpadded(String name, Shape shape, int rows, int cols) {
            return new Bank(name, shape, rows, cols, (int) (shape.numel() / ((long) rows * cols)), 0);
        }

        @Override
        public int units() {
            return (int) (shape.numel() / ((long) rows * cols));
        }

        @Override
        public long unitElements() {
            return (long) rows * cols;
        }

        @Override
        public int usedUnits() {
            return usedMatrices;
        }
    }

    /** An Adam parameter split along its first dimension (value embeddings, embed, lm_head). */
    record Rows(String name, Shape shape) implements ParamLayout {
        public Rows {
            if (shape.rank() < 1) {
                throw new IllegalArgumentException("row-sharded parameter '" + name + "' needs at least one dimension");
            }
        }

        @Override
        public int units() {
            return shape.dim(0);
        }

        @Override
        public long unitElements() {
            return shape.dim(0) == 0 ? 1 : shape.numel() / shape.dim(0);
        }
    }

    /** A parameter every rank holds and updates whole (scalars, gates). */
    record Replicated(String name, Shape shape) implements ParamLayout {
        @Override
        public int units() {
            return 1;
        }

        @Override
        public long unitElements() {
            return shape.numel();
        }
    }
}
