package dev.baton.launcher.bench;

import dev.baton.kernels.ops.AttentionWork;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.schedule.AttentionWindows;

/**
 * The model FLOPs of one training step, the numerator of TFLOP/s and MFU: 6 per matrix weight
 * and token (forward 2, backward 4) for every weight that enters a matrix product (q, k, v, o of
 * the attention layers, the MLPs, lm_head; embeddings and value embeddings are lookups, the gates'
 * 12-wide products are left out), plus attention's visible (query, key) pairs: 4·D per pair and
 * head forward and 8·D backward (three times the forward, as for the weights; the kernel's
 * recomputation of the scores is not model work and is not counted).
 *
 * @param matmulParams weights that enter matrix products
 * @param tokens       tokens of the step
 * @param matmulFlops  6 · matmulParams · tokens
 * @param attnFlops    12 · D · visible pairs, over layers, heads and micro-batches
 */
public record FlopCount(long matmulParams, long tokens, double matmulFlops, double attnFlops) {
    /** The step made of {@code microBatches} (each one forward + backward) at the phase's windows. */
    public static FlopCount of(GptConfig c, AttentionWindows windows, Batch[] microBatches) {
        LayerLayout l = c.layout();
        int d = c.modelDim();
        long params = (long) l.attentionLayers() * 4 * d * d + (long) c.numLayers() * 2 * d * c.mlpHidden()
                + (long) d * c.vocabSize();
        long tokens = 0;
        double attn = 0;
        for (Batch b : microBatches) {
            tokens += b.length();
            for (int layer = 0; layer < c.numLayers(); layer++) {
                if (!l.hasAttention(layer)) {
                    continue;
                }
                int window = (l.isLongWindow(layer) ? windows.longBlocks() : windows.shortBlocks()) * c.blockSize();
                boolean paired = l.isPaired(layer);
                AttentionWork w = AttentionWork.of(b.cuSeqlens(), paired ? 2 : 1, window,
                        paired ? c.numHeads() / 2 : c.numHeads(), c.headDim());
                attn += 12.0 * c.headDim() * w.pairs() * w.groups();
            }
        }
        return new FlopCount(params, tokens, 6.0 * params * tokens, attn);
    }

    public double total() {
        return matmulFlops + attnFlops;
    }

    public double perToken() {
        return total() / tokens;
    }

    /** The formula with this step's numbers, for the report. */
    public String formula() {
        return String.format("FLOPs/step = 6 x %,d matmul weights x %,d tokens (%.1f TFLOP) + attention 12 x D x visible"
                        + " pairs x heads (fwd 4D + bwd 8D per pair; %.1f TFLOP) = %.1f TFLOP (%.2f GFLOP/token)",
                matmulParams, tokens, matmulFlops / 1e12, attnFlops / 1e12, total() / 1e12, perToken() / 1e9);
    }
}
