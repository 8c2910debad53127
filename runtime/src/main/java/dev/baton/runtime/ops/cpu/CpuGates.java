package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/** The sigmoid gates read from a row's first channels and the per-group gated products. */
final class CpuGates {
    private final CpuThreads threads;

    CpuGates(CpuThreads threads) {
        this.threads = threads;
    }

    void gateForward(Tensor x, Tensor w, Tensor sig) {
        CpuTensor xi = CpuTensor.of(x);
        CpuTensor wi = CpuTensor.of(w);
        CpuTensor si = CpuTensor.of(sig);
        int rows = (int) x.shape().rows();
        int cols = x.shape().cols();
        int groups = w.shape().dim(0);
        int width = w.shape().cols();
        ShapeCheck.that(width <= cols, "gateForward: gate width " + width + " exceeds row width " + cols);
        ShapeCheck.numel("gateForward", sig, (long) rows * groups, "sig");
        float[] X = xi.floats();
        float[] W = wi.floats();
        float[] S = si.floats();
        int xo = xi.offset();
        int wo = wi.offset();
        int so = si.offset();
        threads.parallelFor(rows, 256, (s, e) -> {
            for (int r = s; r < e; r++) {
                int xb = xo + r * cols;
                for (int g = 0; g < groups; g++) {
                    int wb = wo + g * width;
                    float z = 0f;
                    for (int c = 0; c < width; c++) {
                        z += X[xb + c] * W[wb + c];
                    }
                    S[so + r * groups + g] = Sigmoid.of(z);
                }
            }
        });
    }

    void gateBackward(Tensor x, Tensor w, Tensor sig, Tensor dgate, float scale, Tensor dx, Tensor dw) {
        CpuTensor xi = CpuTensor.of(x);
        CpuTensor wi = CpuTensor.of(w);
        CpuTensor si = CpuTensor.of(sig);
        CpuTensor di = CpuTensor.of(dgate);
        int rows = (int) x.shape().rows();
        int cols = x.shape().cols();
        int groups = w.shape().dim(0);
        int width = w.shape().cols();
        ShapeCheck.numel("gateBackward", sig, (long) rows * groups, "sig");
        ShapeCheck.numel("gateBackward", dgate, (long) rows * groups, "dgate");
        float[] X = xi.floats();
        float[] W = wi.floats();
        float[] S = si.floats();
        float[] D = di.floats();
        int xo = xi.offset();
        int wo = wi.offset();
        int so = si.offset();
        int dOff = di.offset();
        if (dx != null) {
            CpuTensor gx = CpuTensor.of(dx);
            ShapeCheck.sameNumel("gateBackward", x, dx);
            float[] GX = gx.floats();
            int gxo = gx.offset();
            threads.parallelFor(rows, 256, (s, e) -> {
                for (int r = s; r < e; r++) {
                    for (int g = 0; g < groups; g++) {
                        int i = r * groups + g;
                        float sg = S[so + i];
                        float dz = scale * D[dOff + i] * sg * (1f - sg);
                        int wb = wo + g * width;
                        int xb = gxo + r * cols;
                        for (int c = 0; c < width; c++) {
                            GX[xb + c] += dz * W[wb + c];
                        }
                    }
                }
            });
        }
        if (dw != null) {
            CpuTensor gw = CpuTensor.of(dw);
            ShapeCheck.sameNumel("gateBackward", w, dw);
            int n = groups * width;
            int chunks = threads.chunkCount(rows, 512);
            double[][] partial = new double[chunks][n];
            threads.chunks(rows, 512, (ch, s, e) -> {
                double[] acc = partial[ch];
                for (int r = s; r < e; r++) {
                    int xb = xo + r * cols;
                    for (int g = 0; g < groups; g++) {
                        int i = r * groups + g;
                        float sg = S[so + i];
                        double dz = scale * D[dOff + i] * sg * (1f - sg);
                        for (int c = 0; c < width; c++) {
                            acc[g * width + c] += dz * X[xb + c];
                        }
                    }
                }
            });
            float[] GW = gw.floats();
            int gwo = gw.offset();
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (double[] p : partial) {
                    sum += p[j];
                }
                GW[gwo + j] += (float) sum;
            }
        }
    }

    void gatedAdd(Tensor out, Tensor base, Tensor src, Tensor gate, float scale) {
        CpuTensor o = CpuTensor.of(out);
        CpuTensor sr = CpuTensor.of(src);
        CpuTensor ga = CpuTensor.of(gate);
        ShapeCheck.sameNumel("gatedAdd", out, src);
        int rows = (int) gate.shape().rows();
        int groups = gate.shape().cols();
        ShapeCheck.that(out.numel() % ((long) rows * groups) == 0,
                "gatedAdd: gate " + gate.shape() + " does not divide " + out.shape() + " into groups");
        int k = (int) (out.numel() / ((long) rows * groups));
        float[] O = o.floats();
        float[] SR = sr.floats();
        float[] GA = ga.floats();
        int oo = o.offset();
        int so = sr.offset();
        int gao = ga.offset();
        float[] B = base == null ? null : CpuTensor.of(base).floats();
        int bo = base == null ? 0 : CpuTensor.of(base).offset();
        if (base != null) {
            ShapeCheck.sameNumel("gatedAdd", out, base);
        }
        threads.parallelFor(rows, Math.max(1, 4096 / Math.max(1, groups * k)), (s, e) -> {
            for (int r = s; r < e; r++) {
                for (int g = 0; g < groups; g++) {
                    float m = scale * GA[gao + r * groups + g];
                    int at = (r * groups + g) * k;
                    for (int j = 0; j < k; j++) {
                        float v = m * SR[so + at + j];
                        O[oo + at + j] = B == null ? v : B[bo + at + j] + v;
                    }
                }
            }
        });
    }

    void gatedAddBackward(Tensor dout, Tensor src, Tensor gate, float scale, Tensor dsrc, boolean accumulate,
                          Tensor dgate) {
        CpuTensor d = CpuTensor.of(dout);
        CpuTensor sr = CpuTensor.of(src);
        CpuTensor ga = CpuTensor.of(gate);
        ShapeCheck.sameNumel("gatedAddBackward", dout, src);
        int rows = (int) gate.shape().rows();
        int groups = gate.shape().cols();
        int k = (int) (dout.numel() / ((long) rows * groups));
        ShapeCheck.numel("gatedAddBackward", dout, (long) rows * groups * k, "dout");
        float[] D = d.floats();
        float[] SR = sr.floats();
        float[] GA = ga.floats();
        int dOff = d.offset();
        int so = sr.offset();
        int gao = ga.offset();
        float[] DS = dsrc == null ? null : CpuTensor.of(dsrc).floats();
        int dso = dsrc == null ? 0 : CpuTensor.of(dsrc).offset();
        float[] DG = dgate == null ? null : CpuTensor.of(dgate).floats();
        int dgo = dgate == null ? 0 : CpuTensor.of(dgate).offset();
        if (dsrc != null) {
            ShapeCheck.sameNumel("gatedAddBackward", dout, dsrc);
        }
        if (dgate != null) {
            ShapeCheck.sameNumel("gatedAddBackward", gate, dgate);
        }
        threads.parallelFor(rows, Math.max(1, 4096 / Math.max(1, groups * k)), (s, e) -> {
            for (int r = s; r < e; r++) {
                for (int g = 0; g < groups; g++) {
                    int gi = r * groups + g;
                    int at = gi * k;
                    if (DG != null) {
                        double acc = 0;
                        for (int j = 0; j < k; j++) {
                            acc += (double) D[dOff + at + j] * SR[so + at + j];
                        }
                        DG[dgo + gi] = (float) acc;
                    }
                    if (DS != null) {
                        float m = scale * GA[gao + gi];
                        for (int j = 0; j < k; j++) {
                            float v = m * D[dOff + at + j];
                            DS[dso + at + j] = accumulate ? DS[dso + at + j] + v : v;
                        }
                    }
                }
            }
        });
    }
}
