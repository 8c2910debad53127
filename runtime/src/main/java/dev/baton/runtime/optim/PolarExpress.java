package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * Polar Express (Amsel et al., arXiv 2505.16932), the record's replacement for Newton–Schulz:
 * five odd polynomial steps X ← aX + (bA + cA²)X with A = XXᵀ that drive every singular value of
 * the Frobenius-normalised matrix towards 1, batched over the owned matrices with {@code Ops.matmul}.
 *
 * <p>The record transposes tall matrices so that A is the small Gram matrix. Here the transpose
 * is folded into the products instead (A = XᵀX and X ← aX + XBᵀ), which is the same arithmetic
 * on the untransposed layout and needs no transpose kernel.
 */
public final class PolarExpress {
    /** (a, b, c) per iteration; computed for 5 iterations, safety factor 2e-2, cushion 2. */
    static final double[][] COEFFICIENTS = {
            {8.156554524902461, -22.48329292557795, 15.878769915207462},
            {4.042929935166739, -2.808917465908714, 0.5000178451051316},
            {3.8916678022926607, -2.772484153217685, 0.5060648178503393},
            {3.285753657755655, -2.3681294933425376, 0.46449024233003106},
            {2.3465413258596377, -1.7097828382687081, 0.42323551169305323},
    };
    /** The normalisation keeps the spectral norm below 1 with this margin: X / (‖X‖_F·(1+2e-2) + 1e-6). */
    static final float SAFETY = (float) (1 + 2e-2);
    static final float NORM_EPS = 1e-6f;

    private final Ops ops;
    private final OptimizerKernels kernels;

    public PolarExpress(Ops ops, OptimizerKernels kernels) {
        this.ops = ops;
        this.kernels = kernels;
    }

    /**
     * Orthogonalises each matrix of {@code x} (n, rows, cols); {@code x} is overwritten (it serves
     * as a ping-pong buffer) and the result is in the returned tensor, which is {@code x} or the
     * workspace's buffer.
     */
    public Tensor apply(Tensor x, Workspace ws) {
        Shape s = x.shape();
        if (!s.equals(ws.c.shape())) {
            throw new IllegalArgumentException("polar express workspace " + ws.c.shape() + " does not fit " + s);
        }
        boolean tall = s.dim(1) > s.dim(2);
        kernels.normalizeFrobenius(x, SAFETY, NORM_EPS);
        Tensor cur = x;
        Tensor next = ws.c;
        for (double[] abc : COEFFICIENTS) {
            float a = (float) abc[0], b = (float) abc[1], c = (float) abc[2];
            if (tall) {
                ops.matmul(cur, true, cur, false, ws.a, 1f, 0f);           // A = XᵀX (small Gram matrix)
            } else {
                ops.matmul(cur, false, cur, true, ws.a, 1f, 0f);           // A = XXᵀ
            }
            ops.copy(ws.b, ws.a);
            ops.matmul(ws.a, false, ws.a, true, ws.b, c, b);               // B = bA + cAAᵀ
            ops.copy(next, cur);
            if (tall) {
                ops.matmul(cur, false, ws.b, true, next, 1f, a);           // X = aX + XBᵀ
            } else {
                ops.matmul(ws.b, false, cur, false, next, 1f, a);          // X = aX + BX
            }
            Tensor t = cur;
            cur = next;
            next = t;
        }
        return cur;
    }

    /**
     * Buffers for orthogonalising {@code n} matrices of {@code rows × cols}, in the backend's
     * activation type: fp32 on the CPU, bf16 GEMMs with fp32 accumulation on CUDA (the record).
     */
    public Workspace workspace(int n, int rows, int cols) {
        int small = Math.min(rows, cols);
        DType type = ops.activationType();
        return new Workspace(
                ops.allocate(Shape.of(n, small, small), type),
                ops.allocate(Shape.of(n, small, small), type),
                ops.allocate(Shape.of(n, rows, cols), type));
    }

    /** The Gram matrix A, the polynomial B and the second iterate buffer; owned and closed here. */
    public static final class Workspace implements AutoCloseable {
        private final Tensor a;
        private final Tensor b;
        private final Tensor c;

        private Workspace(Tensor a, Tensor b, Tensor c) {
            this.a = a;
            this.b = b;
            this.c = c;
        }

        @Override
        public void close() {
            a.close();
            b.close();
            c.close();
        }
    }
}
