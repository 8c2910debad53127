package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * The baseline's rotary tables ({@code Rotary}): {@code inv_freq[i] = 1 / base^(2i / hd)} and the
 * angle {@code pos · inv_freq[i]}, both rounded to fp32 as PyTorch computes them, for the half-split
 * rotation. Each row of a batch is a position inside its sequence: row s of the tables holds
 * position {@code s mod seqLen}, so a batch of consecutive sequences of {@code seqLen} tokens (the
 * last possibly shorter) restarts at 0 in each, as the baseline's (B, seq_len) batches do.
 */
final class GolfRope implements AutoCloseable {
    private final Tensor cos;
    private final Tensor sin;

    GolfRope(Ops ops, int headDim, double base, int seqLen, int maxTokens) {
        int half = headDim / 2;
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            invFreq[i] = 1f / (float) Math.pow(base, exponent);
        }
        float[] c = new float[maxTokens * half];
        float[] s = new float[maxTokens * half];
        for (int row = 0; row < maxTokens; row++) {
            float pos = row % seqLen;
            for (int i = 0; i < half; i++) {
                float angle = pos * invFreq[i];
                c[row * half + i] = (float) Math.cos(angle);
                s[row * half + i] = (float) Math.sin(angle);
            }
        }
        this.cos = ops.upload(c, Shape.of(maxTokens, half), DType.F32);
        this.sin = ops.upload(s, Shape.of(maxTokens, half), DType.F32);
    }

    Tensor cos() {
        return cos;
    }

    Tensor sin() {
        return sin;
    }

    @Override
    public void close() {
        cos.close();
        sin.close();
    }
}
