package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * Exact softmax attention over a packed sequence of documents, causal and sliding-window, as the
 * record's {@code flash_attn_varlen_func(causal=True, window_size=(window, 0))}: flash style, the
 * forward keeps only the per-row log-sum-exp and the backward recomputes probabilities, so no
 * S×S matrix is ever materialised.
 *
 * <p>Masking: query position s sees key position j iff both lie in the same document,
 * {@code j <= s} and {@code s - j <= window}. Document d spans positions
 * {@code [seqScale·cu[d], seqScale·cu[d+1])}: {@code seqScale} is 1 for normal layers and 2 for
 * the record's paired-head layers, whose doubled sequence interleaves two head groups per token.
 * {@code cuSeqlens} starts with 0, is non-decreasing and ends with the token count (padding
 * entries equal to the token count are allowed, as the record's loader produces).
 */
public interface AttentionOps {
    /**
     * {@code out[s,g] = sum_j softmax_j(scale · q[s,g]·k[j,g]) v[j,g]} over the visible keys and
     * {@code lse[s,g] = log sum_j exp(scale · q[s,g]·k[j,g])} (natural log).
     *
     * @param q         (S, G, D) queries
     * @param k         (S, G, D) keys
     * @param v         (S, G, D) values
     * @param cuSeqlens (n) I32 in token units (before {@code seqScale})
     * @param seqScale  1, or 2 for paired heads
     * @param window    the record's bm_size, in positions of the (possibly doubled) sequence
     * @param scale     softmax scale (the record's yarn.attn_scale)
     * @param out       (S, G, D), overwritten
     * @param lse       (S, G), overwritten
     */
    void attentionForward(Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale, int window, float scale,
                          Tensor out, Tensor lse);

    /**
     * Gradients of {@link #attentionForward} from the saved {@code out} and {@code lse}:
     * with {@code p[s,j] = exp(scale·q·k − lse[s])}, {@code delta[s] = dout[s]·out[s]},
     * {@code ds = p (dout[s]·v[j] − delta[s])}: {@code dq[s] = scale Σ_j ds k[j]},
     * {@code dk[j] = scale Σ_s ds q[s]}, {@code dv[j] = Σ_s p dout[s]}. Overwrites dq, dk, dv.
     *
     * @param delta (S, G) workspace owned by the caller
     */
    void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Tensor dout,
                           Tensor cuSeqlens, int seqScale, int window, float scale,
                           Tensor dq, Tensor dk, Tensor dv, Tensor delta);
}
