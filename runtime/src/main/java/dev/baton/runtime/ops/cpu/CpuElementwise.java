package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/** Elementwise maps (axpby, relu², softcap) and fp64 dot reductions into one element. */
final class CpuElementwise {
    private static final int GRAIN = 1 << 15;
    private final CpuThreads threads;

    CpuElementwise(CpuThreads threads) {
        this.threads = threads;
    }

    void axpby(Tensor out, float a, Tensor x, float b, Tensor y) {
        CpuTensor o = CpuTensor.of(out);
        CpuTensor xi = CpuTensor.of(x);
        ShapeCheck.sameNumel("axpby", out, x);
        float[] O = o.floats();
        float[] X = xi.floats();
        int oo = o.offset();
        int xo = xi.offset();
        int n = o.size();
        if (y == null) {
            threads.parallelFor(n, GRAIN, (s, e) -> {
                for (int i = s; i < e; i++) {
                    O[oo + i] = a * X[xo + i];
                }
            });
            return;
        }
        CpuTensor yi = CpuTensor.of(y);
        ShapeCheck.sameNumel("axpby", out, y);
        float[] Y = yi.floats();
        int yo = yi.offset();
        threads.parallelFor(n, GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) {
                O[oo + i] = a * X[xo + i] + b * Y[yo + i];
            }
        });
    }

    void dot(Tensor a, Tensor b, Tensor dst, int index, float scale, boolean accumulate) {
        CpuTensor ai = CpuTensor.of(a);
        CpuTensor d = CpuTensor.of(dst);
        if (index < 0 || index >= d.size()) {
            throw new IndexOutOfBoundsException("dot: index " + index + " outside " + dst.shape());
        }
        float[] A = ai.floats();
        int ao = ai.offset();
        int n = ai.size();
        int chunks = threads.chunkCount(n, GRAIN);
        double[] partial = new double[chunks];
        if (b == null) {
            threads.chunks(n, GRAIN, (c, s, e) -> {
                double acc = 0;
                for (int i = s; i < e; i++) {
                    acc += A[ao + i];
                }
                partial[c] = acc;
            });
        } else {
            CpuTensor bi = CpuTensor.of(b);
            ShapeCheck.sameNumel("dot", a, b);
            float[] B = bi.floats();
            int bo = bi.offset();
            threads.chunks(n, GRAIN, (c, s, e) -> {
                double acc = 0;
                for (int i = s; i < e; i++) {
                    acc += (double) A[ao + i] * B[bo + i];
                }
                partial[c] = acc;
            });
        }
        double sum = 0;
        for (double p : partial) {
            sum += p;
        }
        float[] D = d.floats();
        int at = d.offset() + index;
        float v = (float) (scale * sum);
        D[at] = accumulate ? D[at] + v : v;
    }

    void relu2Forward(Tensor h, Tensor out) {
        CpuTensor hi = CpuTensor.of(h);
        CpuTensor o = CpuTensor.of(out);
        ShapeCheck.sameNumel("relu2Forward", h, out);
        float[] H = hi.floats();
        float[] O = o.floats();
        int ho = hi.offset();
        int oo = o.offset();
        threads.parallelFor(hi.size(), GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) {
                float v = Math.max(H[ho + i], 0f);
                O[oo + i] = v * v;
            }
        });
    }

    void relu2Backward(Tensor h, Tensor dout, Tensor dh) {
        CpuTensor hi = CpuTensor.of(h);
        CpuTensor d = CpuTensor.of(dout);
        CpuTensor g = CpuTensor.of(dh);
        ShapeCheck.sameNumel("relu2Backward", h, dout);
        ShapeCheck.sameNumel("relu2Backward", h, dh);
        float[] H = hi.floats();
        float[] D = d.floats();
        float[] G = g.floats();
        int ho = hi.offset();
        int dOff = d.offset();
        int go = g.offset();
        threads.parallelFor(hi.size(), GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) {
                G[go + i] = D[dOff + i] * 2f * Math.max(H[ho + i], 0f);
            }
        });
    }

    void softcap(Tensor x, Tensor out, float a, float b, float c) {
        CpuTensor xi = CpuTensor.of(x);
        CpuTensor o = CpuTensor.of(out);
        ShapeCheck.sameNumel("softcap", x, out);
        float[] X = xi.floats();
        float[] O = o.floats();
        int xo = xi.offset();
        int oo = o.offset();
        threads.parallelFor(xi.size(), GRAIN, (s, e) -> {
            for (int i = s; i < e; i++) {
                O[oo + i] = a * Sigmoid.of((X[xo + i] + b) / c);
            }
        });
    }
}
