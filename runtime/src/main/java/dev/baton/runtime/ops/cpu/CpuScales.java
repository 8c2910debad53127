package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/**
 * Per-channel and per-group scales ({@code ScaleOps}): the scaled add parallel over rows, and the
 * scale gradient as per-chunk fp64 partial sums over rows, added in chunk order.
 */
final class CpuScales {
    private static final int GRAIN_ELEMENTS = 1 << 14;
    private final CpuThreads threads;

    CpuScales(CpuThreads threads) {
        this.threads = threads;
    }

    private static int group(String op, Tensor rows, Tensor scale) {
        int cols = rows.shape().cols();
        long p = scale.numel();
        ShapeCheck.that(p > 0 && cols % p == 0, op + ": " + p + " scales do not group the " + cols
                + " channels of " + rows.shape());
        return (int) (cols / p);
    }

    void scaledAdd(Tensor out, Tensor base, Tensor src, Tensor scale) {
        String op = "scaledAdd";
        ShapeCheck.sameNumel(op, out, src);
        int group = group(op, out, scale);
        CpuTensor o = CpuTensor.of(out);
        CpuTensor s = CpuTensor.of(src);
        CpuTensor k = CpuTensor.of(scale);
        CpuTensor b = base == null ? null : CpuTensor.of(base);
        if (b != null) {
            ShapeCheck.sameNumel(op, out, base);
        }
        int cols = out.shape().cols();
        int rows = (int) (out.numel() / cols);
        float[] O = o.floats();
        float[] S = s.floats();
        float[] K = k.floats();
        float[] B = b == null ? null : b.floats();
        int oo = o.offset();
        int so = s.offset();
        int ko = k.offset();
        int bo = b == null ? 0 : b.offset();
        threads.parallelFor(rows, Math.max(1, GRAIN_ELEMENTS / cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int at = r * cols;
                for (int c = 0; c < cols; c++) {
                    float v = K[ko + c / group] * S[so + at + c];
                    O[oo + at + c] = B == null ? v : B[bo + at + c] + v;
                }
            }
        });
    }

    void scaledAddBackward(Tensor dout, Tensor src, Tensor scale, Tensor dsrc, boolean accumulate, Tensor dscale) {
        String op = "scaledAddBackward";
        ShapeCheck.sameNumel(op, dout, src);
        int group = group(op, dout, scale);
        int cols = dout.shape().cols();
        int rows = (int) (dout.numel() / cols);
        CpuTensor g = CpuTensor.of(dout);
        CpuTensor x = CpuTensor.of(src);
        CpuTensor k = CpuTensor.of(scale);
        float[] G = g.floats();
        float[] X = x.floats();
        float[] K = k.floats();
        int go = g.offset();
        int xo = x.offset();
        int ko = k.offset();
        int grain = Math.max(1, GRAIN_ELEMENTS / cols);
        if (dscale != null) {
            // read src before dsrc is written: dsrc may alias dout but never src
            ShapeCheck.numel(op, dscale, scale.numel(), "dscale");
            int p = (int) scale.numel();
            int chunks = threads.chunkCount(rows, grain);
            double[][] partial = new double[chunks][p];
            threads.chunks(rows, grain, (chunk, r0, r1) -> {
                double[] acc = partial[chunk];
                for (int r = r0; r < r1; r++) {
                    int at = r * cols;
                    for (int c = 0; c < cols; c++) {
                        acc[c / group] += (double) G[go + at + c] * X[xo + at + c];
                    }
                }
            });
            CpuTensor d = CpuTensor.of(dscale);
            float[] D = d.floats();
            for (int j = 0; j < p; j++) {
                double sum = 0;
                for (double[] part : partial) {
                    sum += part[j];
                }
                D[d.offset() + j] += (float) sum;
            }
        }
        if (dsrc != null) {
            ShapeCheck.sameNumel(op, dout, dsrc);
            CpuTensor o = CpuTensor.of(dsrc);
            float[] O = o.floats();
            int oo = o.offset();
            threads.parallelFor(rows, grain, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int at = r * cols;
                    for (int c = 0; c < cols; c++) {
                        float v = K[ko + c / group] * G[go + at + c];
                        O[oo + at + c] = accumulate ? O[oo + at + c] + v : v;
                    }
                }
            });
        }
    }
}
