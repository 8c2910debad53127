package dev.baton.runtime.optim.cpu;

import dev.baton.runtime.ops.cpu.CpuTensor;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.tensor.Tensor;

/**
 * The optimizer kernels in fp32 on the heap, split over a private pool for large tensors. Sums
 * are taken in double in a fixed order per row or column, so every result is independent of the
 * thread count and of which other matrices share the call.
 */
public final class CpuOptimizerKernels implements OptimizerKernels {
    private final ParallelRange parallel;

    public CpuOptimizerKernels() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuOptimizerKernels(int threads) {
        this.parallel = new ParallelRange(threads);
    }

    @Override
    public void adam(Tensor p, Tensor g, Tensor expAvg, Tensor expAvgSq,
                     float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                     float eps, float stepSize, float effWd) {
        CpuTensor tp = CpuTensor.of(p);
        CpuTensor tg = same(tp, g);
        CpuTensor tm = same(tp, expAvg);
        CpuTensor tv = same(tp, expAvgSq);
        float[] P = tp.floats(), G = tg.floats(), M = tm.floats(), V = tv.floats();
        int po = tp.offset(), go = tg.offset(), mo = tm.offset(), vo = tv.offset();
        parallel.run(tp.size(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                float gi = G[go + i];
                float m = M[mo + i] * beta1 + oneMinusBeta1 * gi;
                float v = V[vo + i] * beta2 + oneMinusBeta2 * gi * gi;
                M[mo + i] = m;
                V[vo + i] = v;
                float pi = P[po + i];
                float u = m / ((float) Math.sqrt(v) + eps) * stepSize;
                if (u * pi > 0f) {
                    u = u + effWd * pi;
                }
                P[po + i] = pi - u;
            }
        });
    }

    @Override
    public void nesterov(Tensor momentum, Tensor g, Tensor out, float oneMinusMu, float mu) {
        CpuTensor tm = CpuTensor.of(momentum);
        CpuTensor tg = same(tm, g);
        CpuTensor to = same(tm, out);
        float[] M = tm.floats(), G = tg.floats(), O = to.floats();
        int mo = tm.offset(), go = tg.offset(), oo = to.offset();
        parallel.run(tm.size(), 1, (from, end) -> {
            for (int i = from; i < end; i++) {
                float gi = G[go + i];
                float m = lerp(M[mo + i], gi, oneMinusMu);
                M[mo + i] = m;
                O[oo + i] = lerp(gi, m, mu);
            }
        });
    }

    @Override
    public void normalizeFrobenius(Tensor x, float safety, float eps) {
        CpuTensor t = CpuTensor.of(x);
        int n = t.shape().dim(0), r = t.shape().dim(1), c = t.shape().dim(2);
        float[] X = t.floats();
        int o = t.offset();
        double[] rowSq = rowSumsOfSquares(X, o, n * r, c);
        float[] scaleDen = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < r; j++) {
                s += rowSq[i * r + j];
            }
            scaleDen[i] = (float) Math.sqrt(s) * safety + eps;
        }
        parallel.run(n * r, c, (from, to) -> {
            for (int row = from; row < to; row++) {
                float d = scaleDen[row / r];
                int base = o + row * c;
                for (int j = 0; j < c; j++) {
                    X[base + j] = X[base + j] / d;
                }
            }
        });
    }

    @Override
    public void normalizeVariance(Tensor v, Tensor secondMoment, float oneMinusBeta2, boolean perRow) {
        CpuTensor t = CpuTensor.of(v);
        CpuTensor ts = CpuTensor.of(secondMoment);
        int n = t.shape().dim(0), r = t.shape().dim(1), c = t.shape().dim(2);
        int stats = perRow ? r : c;
        if (ts.size() != n * stats) {
            throw new IllegalArgumentException("second moment " + ts.shape() + " does not fit " + t.shape()
                    + (perRow ? " per row" : " per column"));
        }
        float[] V = t.floats(), S = ts.floats();
        int o = t.offset(), so = ts.offset();
        int reduced = perRow ? c : r;
        float[] mean = new float[n * stats];
        if (perRow) {
            double[] rowSq = rowSumsOfSquares(V, o, n * r, c);
            for (int k = 0; k < mean.length; k++) {
                mean[k] = (float) (rowSq[k] / c);
            }
        } else {
            parallel.run(n * c, r, (from, to) -> {
                for (int k = from; k < to; k++) {
                    int i = k / c, col = k % c;
                    double s = 0;
                    for (int row = 0; row < r; row++) {
                        float e = V[o + (i * r + row) * c + col];
                        s += (double) e * e;
                    }
                    mean[k] = (float) (s / r);
                }
            });
        }
        float[] scale = new float[n * stats];
        for (int i = 0; i < n; i++) {
            double sumMean = 0;
            double sumScaled = 0;
            for (int k = i * stats; k < (i + 1) * stats; k++) {
                sumMean += mean[k];
                float sm = lerp(S[so + k], mean[k], oneMinusBeta2);
                S[so + k] = sm;
                float step = (float) (1.0 / Math.sqrt(Math.max(sm, 1e-10f)));
                scale[k] = step;
                sumScaled += (double) (mean[k] * reduced) * (step * step);
            }
            float norm = (float) Math.sqrt((float) sumMean * reduced);
            float normNew = (float) Math.sqrt(sumScaled);
            float ratio = norm / Math.max(normNew, 1e-10f);
            for (int k = i * stats; k < (i + 1) * stats; k++) {
                scale[k] = scale[k] * ratio;
            }
        }
        parallel.run(n * r, c, (from, to) -> {
            for (int row = from; row < to; row++) {
                int base = o + row * c;
                if (perRow) {
                    float s = scale[row];
                    for (int j = 0; j < c; j++) {
                        V[base + j] *= s;
                    }
                } else {
                    int sBase = (row / r) * c;
                    for (int j = 0; j < c; j++) {
                        V[base + j] *= scale[sBase + j];
                    }
                }
            }
        });
    }

    @Override
    public void cautiousStep(Tensor p, Tensor v, float[] lr, float wd) {
        CpuTensor tp = CpuTensor.of(p);
        CpuTensor tv = same(tp, v);
        int n = tp.shape().dim(0);
        if (lr.length != n) {
            throw new IllegalArgumentException(lr.length + " learning rates for " + n + " matrices");
        }
        int per = tp.size() / n;
        float[] P = tp.floats(), V = tv.floats();
        int po = tp.offset(), vo = tv.offset();
        parallel.run(tp.size(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                float l = lr[i / per];
                float pi = P[po + i];
                float vi = V[vo + i];
                float mask = vi * pi >= 0f ? 1f : 0f;
                P[po + i] = pi - pi * mask * wd * l - vi * l;
            }
        });
    }

    @Override
    public void addTransposed(Tensor dst, Tensor src) {
        CpuTensor td = CpuTensor.of(dst);
        CpuTensor ts = CpuTensor.of(src);
        int a = td.shape().dim(0), b = td.shape().dim(1);
        if (ts.shape().dim(0) != b || ts.shape().dim(1) != a) {
            throw new IllegalArgumentException("cannot add the transpose of " + ts.shape() + " to " + td.shape());
        }
        float[] D = td.floats(), S = ts.floats();
        int dO = td.offset(), sO = ts.offset();
        parallel.run(a, b, (from, to) -> {
            for (int i = from; i < to; i++) {
                for (int j = 0; j < b; j++) {
                    D[dO + i * b + j] += S[sO + j * a + i];
                }
            }
        });
    }

    @Override
    public void transposeColumns(Tensor dst, Tensor src, int colStart) {
        CpuTensor td = CpuTensor.of(dst);
        CpuTensor ts = CpuTensor.of(src);
        int c = td.shape().dim(0), a = td.shape().dim(1);
        int b = ts.shape().dim(1);
        if (ts.shape().dim(0) != a || colStart < 0 || colStart + c > b) {
            throw new IllegalArgumentException("cannot take columns [" + colStart + ", " + (colStart + c) + ") of "
                    + ts.shape() + " transposed into " + td.shape());
        }
        float[] D = td.floats(), S = ts.floats();
        int dO = td.offset(), sO = ts.offset();
        parallel.run(c, a, (from, to) -> {
            for (int i = from; i < to; i++) {
                for (int j = 0; j < a; j++) {
                    D[dO + i * a + j] = S[sO + j * b + colStart + i];
                }
            }
        });
    }

    @Override
    public void close() {
        parallel.close();
    }

    /** PyTorch's lerp: self + w·(end − self) for |w| &lt; 0.5, else end − (end − self)·(1 − w). */
    static float lerp(float self, float end, float w) {
        return Math.abs(w) < 0.5f ? self + w * (end - self) : end - (end - self) * (1f - w);
    }

    private double[] rowSumsOfSquares(float[] x, int offset, int rows, int cols) {
        double[] out = new double[rows];
        parallel.run(rows, cols, (from, to) -> {
            for (int row = from; row < to; row++) {
                int base = offset + row * cols;
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    float e = x[base + j];
                    s += (double) e * e;
                }
                out[row] = s;
            }
        });
        return out;
    }

    private static CpuTensor same(CpuTensor ref, Tensor other) {
        CpuTensor t = CpuTensor.of(other);
        if (t.size() != ref.size()) {
            throw new IllegalArgumentException("tensor " + t.shape() + " does not match " + ref.shape());
        }
        return t;
    }
}
