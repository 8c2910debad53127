package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * The parameter-golf baseline's Muon orthogonalisation ({@code zeropower_via_newtonschulz5}):
 * {@code X = G / (‖G‖_F + 1e-7)}, then {@code steps} times {@code A = XXᵀ, B = bA + cA², X = aX + BX}
 * with the fixed quintic coefficients (a, b, c) = (3.4445, −4.7750, 2.0315), batched over the
 * matrices of an (n, rows, cols) tensor with {@code Ops.matmul}.
 *
 * <p>The baseline transposes tall matrices so that A is the small Gram matrix; here, as in
 * {@link PolarExpress}, the transpose is folded into the products (A = XᵀX and X ← aX + XB), the
 * same arithmetic on the untransposed layout. The baseline iterates in bf16; this runs in the
 * backend's fp32 matmul.
 */
public final class NewtonSchulz {
    static final float A = 3.4445f;
    static final float B = -4.7750f;
    static final float C = 2.0315f;
    static final float NORM_EPS = 1e-7f;

    private final Ops ops;
    private final OptimizerKernels kernels;

    public NewtonSchulz(Ops ops, OptimizerKernels kernels) {
        this.ops = ops;
        this.kernels = kernels;
    }

    /**
     * Orthogonalises each matrix of {@code x} (n, rows, cols) in {@code steps} iterations;
     * {@code x} is overwritten (a ping-pong buffer) and the result is in the returned tensor, which
     * is {@code x} or the workspace's buffer.
     */
    public Tensor apply(Tensor x, Workspace ws, int steps) {
        Shape s = x.shape();
        if (!s.equals(ws.next.shape())) {
            throw new IllegalArgumentException("Newton-Schulz workspace " + ws.next.shape() + " does not fit " + s);
        }
        boolean tall = s.dim(1) > s.dim(2);
        kernels.normalizeFrobenius(x, 1f, NORM_EPS);
        Tensor cur = x;
        Tensor next = ws.next;
        for (int i = 0; i < steps; i++) {
            if (tall) {
                ops.matmul(cur, true, cur, false, ws.gram, 1f, 0f);     // A = XᵀX
            } else {
                ops.matmul(cur, false, cur, true, ws.gram, 1f, 0f);     // A = XXᵀ
            }
            ops.copy(ws.poly, ws.gram);
            ops.matmul(ws.gram, false, ws.gram, true, ws.poly, C, B);   // B = bA + cA²
            ops.copy(next, cur);
            if (tall) {
                ops.matmul(cur, false, ws.poly, true, next, 1f, A);     // X = aX + XB
            } else {
                ops.matmul(ws.poly, false, cur, false, next, 1f, A);    // X = aX + BX
            }
            Tensor t = cur;
            cur = next;
            next = t;
        }
        return cur;
    }

    /** Buffers for orthogonalising {@code n} matrices of {@code rows × cols}. */
    public Workspace workspace(int n, int rows, int cols) {
        int small = Math.min(rows, cols);
        return new Workspace(ops.allocate(Shape.of(n, small, small), DType.F32),
                ops.allocate(Shape.of(n, small, small), DType.F32), ops.allocate(Shape.of(n, rows, cols), DType.F32));
    }

    /** The Gram matrix A, the polynomial B and the second iterate; owned and closed here. */
    public static final class Workspace implements AutoCloseable {
        private final Tensor gram;
        private final Tensor poly;
        private final Tensor next;

        private Workspace(Tensor gram, Tensor poly, Tensor next) {
            this.gram = gram;
            this.poly = poly;
            this.next = next;
        }

        @Override
        public void close() {
            gram.close();
            poly.close();
            next.close();
        }
    }
}
