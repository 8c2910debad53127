package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/** Weight-less RMS norm over rows, parallel over rows, with fp64 row sums. */
final class CpuNorms {
    private final CpuThreads threads;

    CpuNorms(CpuThreads threads) {
        this.threads = threads;
    }

    void forward(Tensor x, Tensor out, Tensor rstd, float eps) {
        CpuTensor xi = CpuTensor.of(x);
        CpuTensor o = CpuTensor.of(out);
        CpuTensor r = CpuTensor.of(rstd);
        int cols = x.shape().cols();
        int rows = (int) x.shape().rows();
        ShapeCheck.sameNumel("rmsNormForward", x, out);
        ShapeCheck.numel("rmsNormForward", rstd, rows, "rstd");
        float[] X = xi.floats();
        float[] O = o.floats();
        float[] R = r.floats();
        int xo = xi.offset();
        int oo = o.offset();
        int ro = r.offset();
        threads.parallelFor(rows, Math.max(1, 8192 / Math.max(cols, 1)), (s, e) -> {
            for (int row = s; row < e; row++) {
                int xb = xo + row * cols;
                double ss = 0;
                for (int j = 0; j < cols; j++) {
                    double v = X[xb + j];
                    ss += v * v;
                }
                float inv = (float) (1.0 / Math.sqrt((float) (ss / cols) + (double) eps));
                R[ro + row] = inv;
                int ob = oo + row * cols;
                for (int j = 0; j < cols; j++) {
                    O[ob + j] = X[xb + j] * inv;
                }
            }
        });
    }

    void backward(Tensor x, Tensor rstd, Tensor dout, Tensor dx, boolean accumulate) {
        CpuTensor xi = CpuTensor.of(x);
        CpuTensor r = CpuTensor.of(rstd);
        CpuTensor d = CpuTensor.of(dout);
        CpuTensor g = CpuTensor.of(dx);
        int cols = x.shape().cols();
        int rows = (int) x.shape().rows();
        ShapeCheck.sameNumel("rmsNormBackward", x, dout);
        ShapeCheck.sameNumel("rmsNormBackward", x, dx);
        ShapeCheck.numel("rmsNormBackward", rstd, rows, "rstd");
        float[] X = xi.floats();
        float[] R = r.floats();
        float[] D = d.floats();
        float[] G = g.floats();
        int xo = xi.offset();
        int ro = r.offset();
        int dOff = d.offset();
        int go = g.offset();
        threads.parallelFor(rows, Math.max(1, 8192 / Math.max(cols, 1)), (s, e) -> {
            for (int row = s; row < e; row++) {
                int xb = xo + row * cols;
                int db = dOff + row * cols;
                int gb = go + row * cols;
                float inv = R[ro + row];
                double dot = 0;
                for (int j = 0; j < cols; j++) {
                    dot += (double) D[db + j] * (X[xb + j] * inv);
                }
                float mean = (float) (dot / cols);
                for (int j = 0; j < cols; j++) {
                    float y = X[xb + j] * inv;
                    float v = inv * (D[db + j] - y * mean);
                    G[gb + j] = accumulate ? G[gb + j] + v : v;
                }
            }
        });
    }
}
