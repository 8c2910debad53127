package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/**
 * Softcapped cross-entropy with multi-token-prediction weights, forward and gradient in one pass
 * per row (the record's FusedSoftcappedCrossEntropy), parallel over rows. Each chunk keeps one
 * row of sigmoids and exponentials so every transcendental is evaluated once per element.
 */
final class CpuLoss {
    private final CpuThreads threads;

    CpuLoss(CpuThreads threads) {
        this.threads = threads;
    }

    void softcappedCrossEntropy(Tensor logits, Tensor targets, float[] weights, float a, float b, float c,
                                Tensor losses, Tensor dlogits) {
        String op = "softcappedCrossEntropy";
        ShapeCheck.ints(op, targets, "targets");
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
        threads.parallelFor(rows, 1, (r0, r1) -> {
            float[] sig = new float[vocab];
            float[] ex = new float[vocab];
            for (int i = r0; i < r1; i++) {
                int xb = xo + i * vocab;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < vocab; j++) {
                    float s = Sigmoid.of((X[xb + j] + b) * invC);
                    sig[j] = s;
                    max = Math.max(max, a * s);
                }
                double sum = 0;
                for (int j = 0; j < vocab; j++) {
                    float e = (float) Math.exp(a * sig[j] - max);
                    ex[j] = e;
                    sum += e;
                }
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
                    float pScale = (float) (sw / sum);
                    for (int j = 0; j < vocab; j++) {
                        float s = sig[j];
                        DX[db + j] = pScale * ex[j] * (a * s) * (1f - s) * invC;
                    }
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
