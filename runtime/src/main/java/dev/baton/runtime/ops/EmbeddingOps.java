package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * Token embedding lookup and its scatter-add backward (the {@code embed} and {@code value_embeds.k}
 * tables).
 */
public interface EmbeddingOps {
    /**
     * Gathers rows: {@code out[n, :] = table[ids[n], :]}.
     *
     * @param table (V, C) floating
     * @param ids   (N) I32, every id in [0, V)
     * @param out   (N, C), overwritten
     */
    void embeddingForward(Tensor table, Tensor ids, Tensor out);

    /**
     * Scatter-adds row gradients into the table gradient: {@code dtable[ids[n], :] += dout[n, :]}
     * for every n (repeated ids accumulate). Rows of {@code dtable} not named by {@code ids} are
     * left as they are, so gradient accumulation over micro-batches works.
     *
     * @param dout   (N, C)
     * @param ids    (N) I32
     * @param dtable (V, C), accumulated into
     */
    void embeddingBackward(Tensor dout, Tensor ids, Tensor dtable);
}
