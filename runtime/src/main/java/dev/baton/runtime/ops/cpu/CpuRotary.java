package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/** Table-driven rotary embedding and the partial key offset, parallel over positions. */
final class CpuRotary {
    private final CpuThreads threads;

    CpuRotary(CpuThreads threads) {
        this.threads = threads;
    }

    void forward(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean transpose) {
        String op = transpose ? "rotaryBackward" : "rotaryForward";
        CpuTensor xi = CpuTensor.of(x);
        CpuTensor ci = CpuTensor.of(cos);
        CpuTensor si = CpuTensor.of(sin);
        CpuTensor o = CpuTensor.of(out);
        ShapeCheck.sameNumel(op, x, out);
        int width = cos.shape().cols();
        int rows = x.shape().dim(0);
        ShapeCheck.that(width % 2 == 0, op + ": table width " + width + " is odd");
        ShapeCheck.that(cos.shape().dim(0) >= rows && cos.shape().equals(sin.shape()),
                op + ": tables " + cos.shape() + "/" + sin.shape() + " do not cover " + rows + " positions");
        long perRow = x.numel() / Math.max(rows, 1);
        ShapeCheck.that(perRow % width == 0, op + ": rows of " + x.shape() + " are not groups of " + width);
        int groups = (int) (perRow / width);
        float[] X = xi.floats();
        float[] C = ci.floats();
        float[] S = si.floats();
        float[] O = o.floats();
        int xo = xi.offset();
        int co = ci.offset();
        int so = si.offset();
        int oo = o.offset();
        threads.parallelFor(rows, Math.max(1, 4096 / (int) Math.max(1, perRow)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int tb = r * width;
                for (int g = 0; g < groups; g++) {
                    int b = (r * groups + g) * width;
                    for (int j = 0; j < width; j += 2) {
                        float x0 = X[xo + b + j];
                        float x1 = X[xo + b + j + 1];
                        float c0 = C[co + tb + j];
                        float c1 = C[co + tb + j + 1];
                        float s0 = S[so + tb + j];
                        float s1 = S[so + tb + j + 1];
                        if (transpose) {
                            O[oo + b + j] = c0 * x0 + s1 * x1;
                            O[oo + b + j + 1] = c1 * x1 + s0 * x0;
                        } else {
                            O[oo + b + j] = c0 * x0 + s0 * x1;
                            O[oo + b + j + 1] = c1 * x1 + s1 * x0;
                        }
                    }
                }
            }
        });
    }

    /**
     * The golf baseline's half-split rotation: channel i of each group of 2W pairs with i + W;
     * {@code transpose} runs the inverse rotation (the backward).
     */
    void half(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean transpose) {
        String op = transpose ? "rotaryHalfBackward" : "rotaryHalfForward";
        ShapeCheck.sameNumel(op, x, out);
        int width = cos.shape().cols();
        int rows = x.shape().dim(0);
        ShapeCheck.that(cos.shape().dim(0) >= rows && cos.shape().equals(sin.shape()),
                op + ": tables " + cos.shape() + "/" + sin.shape() + " do not cover " + rows + " positions");
        long perRow = x.numel() / Math.max(rows, 1);
        ShapeCheck.that(perRow % (2L * width) == 0, op + ": rows of " + x.shape() + " are not groups of " + 2 * width);
        int groups = (int) (perRow / (2 * width));
        CpuTensor xi = CpuTensor.of(x);
        CpuTensor ci = CpuTensor.of(cos);
        CpuTensor si = CpuTensor.of(sin);
        CpuTensor o = CpuTensor.of(out);
        float[] X = xi.floats();
        float[] C = ci.floats();
        float[] S = si.floats();
        float[] O = o.floats();
        int xo = xi.offset();
        int co = ci.offset();
        int so = si.offset();
        int oo = o.offset();
        float sign = transpose ? -1f : 1f;
        threads.parallelFor(rows, Math.max(1, 4096 / (int) Math.max(1, perRow)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int tb = r * width;
                for (int g = 0; g < groups; g++) {
                    int b = (int) (r * perRow) + g * 2 * width;
                    for (int i = 0; i < width; i++) {
                        float c = C[co + tb + i];
                        float s = sign * S[so + tb + i];
                        float x1 = X[xo + b + i];
                        float x2 = X[xo + b + i + width];
                        O[oo + b + i] = x1 * c + x2 * s;
                        O[oo + b + i + width] = x2 * c - x1 * s;
                    }
                }
            }
        });
    }

    void keyOffset(Tensor src, Tensor dst, boolean backward) {
        String op = backward ? "keyOffsetBackward" : "keyOffsetForward";
        ShapeCheck.that(src.shape().rank() == 3, op + ": expects (S, H, D), got " + src.shape());
        ShapeCheck.that(src.shape().equals(dst.shape()), op + ": shapes differ " + src.shape() + " vs " + dst.shape());
        CpuTensor si = CpuTensor.of(src);
        CpuTensor di = CpuTensor.of(dst);
        ShapeCheck.that(si.floats() != di.floats() || si.offset() + si.size() <= di.offset()
                || di.offset() + di.size() <= si.offset(), op + ": source and destination overlap");
        int rows = src.shape().dim(0);
        int heads = src.shape().dim(1);
        int d = src.shape().dim(2);
        int rowSize = heads * d;
        float[] S = si.floats();
        float[] D = di.floats();
        int so = si.offset();
        int dOff = di.offset();
        threads.parallelFor(rows, Math.max(1, 4096 / Math.max(1, rowSize)), (s, e) -> {
            for (int r = s; r < e; r++) {
                for (int h = 0; h < heads; h++) {
                    int base = r * rowSize + h * d;
                    for (int j = 0; j < d; j++) {
                        boolean shifted = (j >= d / 4 && j < d / 2) || j >= 3 * d / 4;
                        float v;
                        if (!shifted) {
                            v = S[so + base + j];
                        } else if (!backward) {
                            v = S[so + base + j - (r > 0 ? rowSize : 0)];
                        } else if (r == rows - 1) {
                            v = r == 0 ? S[so + base + j] : 0f;
                        } else {
                            v = S[so + base + j + rowSize] + (r == 0 ? S[so + base + j] : 0f);
                        }
                        D[dOff + base + j] = v;
                    }
                }
            }
        });
    }
}
