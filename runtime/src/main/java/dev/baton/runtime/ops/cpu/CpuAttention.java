package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/**
 * Document-masked causal sliding-window attention, flash style: per query row the visible keys
 * form one contiguous range, whose scores live in a per-chunk row buffer (never S×S). Forward is
 * parallel over queries; backward runs a query pass (delta, dq) and a key pass (dk, dv), each
 * parallel over positions so that no two threads write one row.
 */
final class CpuAttention {
    private final CpuThreads threads;

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

    void forward(Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale, int window, float scale,
                 Tensor out, Tensor lse) {
        Geometry geo = geometry("attentionForward", q, k, v, cuSeqlens, seqScale, window);
        ShapeCheck.sameNumel("attentionForward", q, out);
        ShapeCheck.numel("attentionForward", lse, (long) geo.seq() * geo.groups(), "lse");
        CpuTensor qi = CpuTensor.of(q);
        CpuTensor ki = CpuTensor.of(k);
        CpuTensor vi = CpuTensor.of(v);
        CpuTensor oi = CpuTensor.of(out);
        CpuTensor li = CpuTensor.of(lse);
        float[] Q = qi.floats();
        float[] K = ki.floats();
        float[] V = vi.floats();
        float[] O = oi.floats();
        float[] L = li.floats();
        int qo = qi.offset();
        int ko = ki.offset();
        int vo = vi.offset();
        int oo = oi.offset();
        int lo = li.offset();
        int groups = geo.groups();
        int dim = geo.dim();
        int maxKeys = Math.min(geo.seq(), window + 1);
        threads.parallelFor(geo.seq(), 8, (s0, s1) -> {
            float[] p = new float[maxKeys];
            for (int s = s0; s < s1; s++) {
                int j0 = geo.firstKey(s);
                int n = s - j0 + 1;
                for (int g = 0; g < groups; g++) {
                    int qb = qo + (s * groups + g) * dim;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int t = 0; t < n; t++) {
                        float sc = VectorKernels.dot(Q, qb, K, ko + ((j0 + t) * groups + g) * dim, dim) * scale;
                        p[t] = sc;
                        max = Math.max(max, sc);
                    }
                    double sum = VectorKernels.exp(p, p, n, 1f, max);
                    int ob = oo + (s * groups + g) * dim;
                    java.util.Arrays.fill(O, ob, ob + dim, 0f);
                    float inv = (float) (1.0 / sum);
                    for (int t = 0; t < n; t++) {
                        VectorKernels.axpy(p[t] * inv, V, vo + ((j0 + t) * groups + g) * dim, O, ob, dim);
                    }
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
        ShapeCheck.numel("attentionBackward", lse, (long) geo.seq() * geo.groups(), "lse");
        ShapeCheck.numel("attentionBackward", delta, (long) geo.seq() * geo.groups(), "delta");
        CpuTensor qi = CpuTensor.of(q);
        CpuTensor ki = CpuTensor.of(k);
        CpuTensor vi = CpuTensor.of(v);
        CpuTensor oi = CpuTensor.of(out);
        CpuTensor li = CpuTensor.of(lse);
        CpuTensor gi = CpuTensor.of(dout);
        CpuTensor dqi = CpuTensor.of(dq);
        CpuTensor dki = CpuTensor.of(dk);
        CpuTensor dvi = CpuTensor.of(dv);
        CpuTensor de = CpuTensor.of(delta);
        float[] Q = qi.floats();
        float[] K = ki.floats();
        float[] V = vi.floats();
        float[] O = oi.floats();
        float[] L = li.floats();
        float[] G = gi.floats();
        float[] DQ = dqi.floats();
        float[] DK = dki.floats();
        float[] DV = dvi.floats();
        float[] DE = de.floats();
        int qo = qi.offset();
        int ko = ki.offset();
        int vo = vi.offset();
        int oo = oi.offset();
        int lo = li.offset();
        int go = gi.offset();
        int dqo = dqi.offset();
        int dko = dki.offset();
        int dvo = dvi.offset();
        int deo = de.offset();
        int groups = geo.groups();
        int dim = geo.dim();
        int maxKeys = Math.min(geo.seq(), window + 1);
        // query pass: delta = dout·out, then dq = scale Σ_j p (dout·v_j − delta) k_j
        threads.parallelFor(geo.seq(), 8, (s0, s1) -> {
            float[] p = new float[maxKeys];
            float[] dp = new float[maxKeys];
            for (int s = s0; s < s1; s++) {
                int j0 = geo.firstKey(s);
                int n = s - j0 + 1;
                for (int g = 0; g < groups; g++) {
                    int row = (s * groups + g) * dim;
                    float dl = VectorKernels.dot(G, go + row, O, oo + row, dim);
                    DE[deo + s * groups + g] = dl;
                    for (int t = 0; t < n; t++) {
                        int kb = ((j0 + t) * groups + g) * dim;
                        p[t] = VectorKernels.dot(Q, qo + row, K, ko + kb, dim);
                        dp[t] = VectorKernels.dot(G, go + row, V, vo + kb, dim);
                    }
                    VectorKernels.exp(p, p, n, scale, L[lo + s * groups + g]);
                    int dqb = dqo + row;
                    java.util.Arrays.fill(DQ, dqb, dqb + dim, 0f);
                    for (int t = 0; t < n; t++) {
                        float ds = p[t] * (dp[t] - dl) * scale;
                        VectorKernels.axpy(ds, K, ko + ((j0 + t) * groups + g) * dim, DQ, dqb, dim);
                    }
                }
            }
        });
        // key pass: dv_j = Σ_s p dout_s, dk_j = scale Σ_s p (dout_s·v_j − delta_s) q_s
        threads.parallelFor(geo.seq(), 8, (j0, j1) -> {
            float[] p = new float[maxKeys];
            float[] dp = new float[maxKeys];
            for (int j = j0; j < j1; j++) {
                int last = geo.lastQuery(j);
                int n = last - j + 1;
                for (int g = 0; g < groups; g++) {
                    int kb = (j * groups + g) * dim;
                    for (int t = 0; t < n; t++) {
                        int s = j + t;
                        int row = (s * groups + g) * dim;
                        p[t] = VectorKernels.dot(Q, qo + row, K, ko + kb, dim) * scale - L[lo + s * groups + g];
                        dp[t] = VectorKernels.dot(G, go + row, V, vo + kb, dim);
                    }
                    VectorKernels.exp(p, p, n, 1f, 0f);
                    java.util.Arrays.fill(DK, dko + kb, dko + kb + dim, 0f);
                    java.util.Arrays.fill(DV, dvo + kb, dvo + kb + dim, 0f);
                    for (int t = 0; t < n; t++) {
                        int s = j + t;
                        int row = (s * groups + g) * dim;
                        float ds = p[t] * (dp[t] - DE[deo + s * groups + g]) * scale;
                        VectorKernels.axpy(p[t], G, go + row, DV, dvo + kb, dim);
                        VectorKernels.axpy(ds, Q, qo + row, DK, dko + kb, dim);
                    }
                }
            }
        });
    }
}
