package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/**
 * Document-masked causal sliding-window attention, flash style: per query row the visible keys
 * form one contiguous range, whose scores live in a per-chunk row buffer (never S×S). Forward is
 * parallel over queries; backward runs a query pass (dq) and a key pass (dk, dv), each parallel
 * over positions so that no two threads write one row.
 *
 * <p>For the scores, Q, K, V and dout are first transposed per head into (G, D, S) so that one
 * query is scored against a block of keys with vector lanes running over keys; the weighted sums
 * over keys read the original rows with register accumulators. This keeps small head dims (16)
 * vector-friendly. The transposes
 * live in grow-only buffers owned by this kernel: one CpuOps serves one caller at a time.
 */
final class CpuAttention {
    private final CpuThreads threads;
    private float[] qt = new float[0];
    private float[] kt = new float[0];
    private float[] vt = new float[0];
    private float[] gt = new float[0];
    private float[] lseT = new float[0];
    private float[] deltaT = new float[0];

    CpuAttention(CpuThreads threads) {
        this.threads = threads;
    }

    /** Shapes and the document boundaries of one call, validated once. */
    private record Geometry(int seq, int groups, int dim, int[] cu, int cuOff, int cuCount, int seqScale, int window) {
        /** First position of the document holding position s. */
        int docStart(int s) {
            int lo = 0;
            int hi = cuCount - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (cu[cuOff + mid] * seqScale <= s) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return cu[cuOff + lo] * seqScale;
        }

        /** One past the last position of the document holding position s. */
        int docEnd(int s) {
            int lo = 0;
            int hi = cuCount - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cu[cuOff + mid] * seqScale > s) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return cu[cuOff + lo] * seqScale;
        }

        int firstKey(int s) {
            return Math.max(docStart(s), s - window);
        }

        int lastQuery(int j) {
            return Math.min(docEnd(j) - 1, j + window);
        }

        int maxKeys() {
            return Math.min(seq, window + 1);
        }

        /** Offset of head g, dimension d in a (G, D, S) transposed buffer. */
        int t(int g, int d) {
            return (g * dim + d) * seq;
        }
    }

    private static Geometry geometry(String op, Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale,
                                     int window) {
        ShapeCheck.that(q.shape().rank() == 3, op + ": q must be (S, G, D), is " + q.shape());
        ShapeCheck.that(q.shape().equals(k.shape()) && q.shape().equals(v.shape()),
                op + ": q, k, v shapes differ " + q.shape() + " " + k.shape() + " " + v.shape());
        ShapeCheck.ints(op, cuSeqlens, "cuSeqlens");
        ShapeCheck.that(seqScale >= 1 && window >= 0, op + ": seqScale " + seqScale + " window " + window);
        int seq = q.shape().dim(0);
        CpuTensor c = CpuTensor.of(cuSeqlens);
        int[] cu = c.ints();
        int off = c.offset();
        int n = c.size();
        ShapeCheck.that(n >= 2 && cu[off] == 0, op + ": cuSeqlens must start with 0 and hold at least 2 entries");
        for (int i = 1; i < n; i++) {
            ShapeCheck.that(cu[off + i] >= cu[off + i - 1], op + ": cuSeqlens decreases at entry " + i);
        }
        ShapeCheck.that((long) cu[off + n - 1] * seqScale == seq, op + ": cuSeqlens ends at " + cu[off + n - 1]
                + " tokens but the sequence holds " + seq + " positions at scale " + seqScale);
        return new Geometry(seq, q.shape().dim(1), q.shape().dim(2), cu, off, n, seqScale, window);
    }

    private static float[] grow(float[] buf, int n) {
        return buf.length >= n ? buf : new float[n];
    }

    /** (S, G, D) at {@code src[so..]} into (G, D, S) in {@code dst}. */
    private void transpose(Geometry geo, float[] src, int so, float[] dst) {
        int groups = geo.groups();
        int dim = geo.dim();
        int seq = geo.seq();
        threads.parallelFor(groups * dim, 1, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int g = r / dim;
                int d = r % dim;
                int at = r * seq;
                for (int s = 0; s < seq; s++) {
                    dst[at + s] = src[so + (s * groups + g) * dim + d];
                }
            }
        });
    }

    void forward(Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale, int window, float scale,
                 Tensor out, Tensor lse) {
        Geometry geo = geometry("attentionForward", q, k, v, cuSeqlens, seqScale, window);
        ShapeCheck.sameNumel("attentionForward", q, out);
        ShapeCheck.numel("attentionForward", lse, (long) geo.seq() * geo.groups(), "lse");
        CpuTensor qi = CpuTensor.of(q);
        CpuTensor oi = CpuTensor.of(out);
        CpuTensor li = CpuTensor.of(lse);
        int size = (int) q.numel();
        kt = grow(kt, size);
        transpose(geo, CpuTensor.of(k).floats(), CpuTensor.of(k).offset(), kt);
        float[] V = CpuTensor.of(v).floats();
        int vo = CpuTensor.of(v).offset();
        float[] Q = qi.floats();
        float[] O = oi.floats();
        float[] L = li.floats();
        float[] KT = kt;
        int qo = qi.offset();
        int oo = oi.offset();
        int lo = li.offset();
        int groups = geo.groups();
        int dim = geo.dim();
        threads.parallelFor(geo.seq(), 8, (s0, s1) -> {
            float[] p = new float[geo.maxKeys()];
            for (int s = s0; s < s1; s++) {
                int j0 = geo.firstKey(s);
                int n = s - j0 + 1;
                for (int g = 0; g < groups; g++) {
                    int row = (s * groups + g) * dim;
                    VectorKernels.vecMat(Q, qo + row, KT, geo.t(g, 0) + j0, geo.seq(), dim, p, n);
                    float max = Float.NEGATIVE_INFINITY;
                    for (int t = 0; t < n; t++) {
                        max = Math.max(max, p[t] * scale);
                    }
                    double sum = VectorKernels.exp(p, p, n, scale, max);
                    VectorKernels.weightedRowSum(p, n, V, vo + (j0 * groups + g) * dim, groups * dim, dim,
                            (float) (1.0 / sum), O, oo + row);
                    L[lo + s * groups + g] = (float) (max + Math.log(sum));
                }
            }
        });
    }

    void backward(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Tensor dout, Tensor cuSeqlens,
                  int seqScale, int window, float scale, Tensor dq, Tensor dk, Tensor dv, Tensor delta) {
        Geometry geo = geometry("attentionBackward", q, k, v, cuSeqlens, seqScale, window);
        for (Tensor t : new Tensor[] {out, dout, dq, dk, dv}) {
            ShapeCheck.sameNumel("attentionBackward", q, t);
        }
        int seq = geo.seq();
        int groups = geo.groups();
        int dim = geo.dim();
        ShapeCheck.numel("attentionBackward", lse, (long) seq * groups, "lse");
        ShapeCheck.numel("attentionBackward", delta, (long) seq * groups, "delta");
        int size = (int) q.numel();
        qt = grow(qt, size);
        kt = grow(kt, size);
        vt = grow(vt, size);
        gt = grow(gt, size);
        lseT = grow(lseT, seq * groups);
        deltaT = grow(deltaT, seq * groups);
        transpose(geo, CpuTensor.of(q).floats(), CpuTensor.of(q).offset(), qt);
        transpose(geo, CpuTensor.of(k).floats(), CpuTensor.of(k).offset(), kt);
        transpose(geo, CpuTensor.of(v).floats(), CpuTensor.of(v).offset(), vt);
        transpose(geo, CpuTensor.of(dout).floats(), CpuTensor.of(dout).offset(), gt);
        float[] G = CpuTensor.of(dout).floats();
        float[] O = CpuTensor.of(out).floats();
        float[] L = CpuTensor.of(lse).floats();
        float[] DE = CpuTensor.of(delta).floats();
        int go = CpuTensor.of(dout).offset();
        int oo = CpuTensor.of(out).offset();
        int lo = CpuTensor.of(lse).offset();
        int deo = CpuTensor.of(delta).offset();
        float[] QT = qt;
        float[] KT = kt;
        float[] VT = vt;
        float[] GT = gt;
        float[] LT = lseT;
        float[] DT = deltaT;
        // delta = dout·out per row; lse and delta also kept head-major for the key pass
        threads.parallelFor(seq, 64, (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                for (int g = 0; g < groups; g++) {
                    int row = (s * groups + g) * dim;
                    float dl = VectorKernels.dot(G, go + row, O, oo + row, dim);
                    DE[deo + s * groups + g] = dl;
                    DT[g * seq + s] = dl;
                    LT[g * seq + s] = L[lo + s * groups + g];
                }
            }
        });
        float[] Q = CpuTensor.of(q).floats();
        float[] K = CpuTensor.of(k).floats();
        float[] V = CpuTensor.of(v).floats();
        int qo = CpuTensor.of(q).offset();
        int ko = CpuTensor.of(k).offset();
        int vo = CpuTensor.of(v).offset();
        float[] DQ = CpuTensor.of(dq).floats();
        float[] DK = CpuTensor.of(dk).floats();
        float[] DV = CpuTensor.of(dv).floats();
        int dqo = CpuTensor.of(dq).offset();
        int dko = CpuTensor.of(dk).offset();
        int dvo = CpuTensor.of(dv).offset();
        // query pass: dq[s] = scale Σ_j p (dout_s·v_j − delta_s) k_j
        threads.parallelFor(seq, 8, (s0, s1) -> {
            float[] p = new float[geo.maxKeys()];
            float[] dp = new float[geo.maxKeys()];
            for (int s = s0; s < s1; s++) {
                int j0 = geo.firstKey(s);
                int n = s - j0 + 1;
                for (int g = 0; g < groups; g++) {
                    int row = (s * groups + g) * dim;
                    VectorKernels.vecMat(Q, qo + row, KT, geo.t(g, 0) + j0, seq, dim, p, n);
                    VectorKernels.vecMat(G, go + row, VT, geo.t(g, 0) + j0, seq, dim, dp, n);
                    VectorKernels.exp(p, p, n, scale, LT[g * seq + s]);
                    float dl = DT[g * seq + s];
                    for (int t = 0; t < n; t++) {
                        p[t] = p[t] * (dp[t] - dl) * scale;
                    }
                    VectorKernels.weightedRowSum(p, n, K, ko + (j0 * groups + g) * dim, groups * dim, dim, 1f,
                            DQ, dqo + row);
                }
            }
        });
        // key pass: dv[j] = Σ_s p dout_s, dk[j] = scale Σ_s p (dout_s·v_j − delta_s) q_s
        threads.parallelFor(seq, 8, (j0, j1) -> {
            float[] p = new float[geo.maxKeys()];
            float[] dp = new float[geo.maxKeys()];
            for (int j = j0; j < j1; j++) {
                int n = geo.lastQuery(j) - j + 1;
                for (int g = 0; g < groups; g++) {
                    int row = (j * groups + g) * dim;
                    VectorKernels.vecMat(K, ko + row, QT, geo.t(g, 0) + j, seq, dim, p, n);
                    VectorKernels.vecMat(V, vo + row, GT, geo.t(g, 0) + j, seq, dim, dp, n);
                    int at = g * seq + j;
                    for (int t = 0; t < n; t++) {
                        p[t] = p[t] * scale - LT[at + t];
                    }
                    VectorKernels.exp(p, p, n, 1f, 0f);
                    VectorKernels.weightedRowSum(p, n, G, go + row, groups * dim, dim, 1f, DV, dvo + row);
                    for (int t = 0; t < n; t++) {
                        p[t] = p[t] * (dp[t] - DT[at + t]) * scale;
                    }
                    VectorKernels.weightedRowSum(p, n, Q, qo + row, groups * dim, dim, 1f, DK, dko + row);
                }
            }
        });
    }
}
