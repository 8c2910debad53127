package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/**
 * Softcapped cross-entropy with multi-token-prediction weights, forward and gradient in one pass
 * per row (the record's FusedSoftcappedCrossEntropy), parallel over rows. Each chunk keeps one
 * row of sigmoids and exponentials so every transcendental is evaluated once per element, on
 * vector lanes. The softcap scale {@code a} must be positive (the record's 23). The row
 * buffers are reused across calls: one CpuOps serves one caller at a time.
 */
final class CpuLoss {
    private final CpuThreads threads;
    /** Per-chunk row buffers (sigmoids, exponentials), grown on demand and reused across calls. */
    private float[][] rowBuffers = new float[0][];

    CpuLoss(CpuThreads threads) {
        this.threads = threads;
    }

    void softcappedCrossEntropy(Tensor logits, Tensor targets, float[] weights, float a, float b, float c,
                                Tensor losses, Tensor dlogits) {
        String op = "softcappedCrossEntropy";
        ShapeCheck.ints(op, targets, "targets");
        ShapeCheck.that(a > 0f && c != 0f, op + ": softcap needs a > 0 and c != 0, got a=" + a + " c=" + c);
        int rows = (int) logits.shape().rows();
        int vocab = logits.shape().cols();
        ShapeCheck.numel(op, targets, rows, "targets");
        ShapeCheck.numel(op, losses, rows, "losses");
        if (dlogits != null) {
            ShapeCheck.sameNumel(op, logits, dlogits);
        }
        CpuTensor li = CpuTensor.of(logits);
        CpuTensor ti = CpuTensor.of(targets);
        CpuTensor oi = CpuTensor.of(losses);
        float[] X = li.floats();
        int[] TG = ti.ints();
        float[] LS = oi.floats();
        int xo = li.offset();
        int to = ti.offset();
        int lso = oi.offset();
        float[] DX = dlogits == null ? null : CpuTensor.of(dlogits).floats();
        int dxo = dlogits == null ? 0 : CpuTensor.of(dlogits).offset();
        float[] w = weights.clone();
        float invC = 1f / c;
        int chunks = threads.chunkCount(rows, 1);
        if (rowBuffers.length < 2 * chunks) {
            rowBuffers = java.util.Arrays.copyOf(rowBuffers, 2 * chunks);
        }
        for (int i = 0; i < 2 * chunks; i++) {
            if (rowBuffers[i] == null || rowBuffers[i].length < vocab) {
                rowBuffers[i] = new float[vocab];
            }
        }
        float[][] buffers = rowBuffers;
        threads.chunks(rows, 1, (chunk, r0, r1) -> {
            float[] sig = buffers[2 * chunk];
            float[] ex = buffers[2 * chunk + 1];
            for (int i = r0; i < r1; i++) {
                int xb = xo + i * vocab;
                float max = a * VectorKernels.sigmoidShifted(X, xb, b, invC, sig, vocab);
                double sum = VectorKernels.exp(sig, ex, vocab, a, max);
                double lse = max + Math.log(sum);
                double loss = 0;
                double sw = 0;
                for (int k = 0; k < w.length && i + k < rows; k++) {
                    sw += w[k];
                    int t = TG[to + i + k];
                    if (w[k] > 0 && t >= 0 && t < vocab) {
                        loss += w[k] * (lse - a * sig[t]);
                    }
                }
                LS[lso + i] = (float) loss;
                if (DX != null) {
                    int db = dxo + i * vocab;
                    // dz_j = S_w p_j − Σ_k w_k [j = t_k];  dlogit = dz · a σ (1 − σ) / c
                    VectorKernels.softcapGradient(sig, ex, (float) (sw / sum), a, invC, DX, db, vocab);
                    for (int k = 0; k < w.length && i + k < rows; k++) {
                        int t = TG[to + i + k];
                        if (t >= 0 && t < vocab) {
                            float s = sig[t];
                            DX[db + t] -= w[k] * (a * s) * (1f - s) * invC;
                        }
                    }
                }
            }
        });
    }
}
