package dev.baton.runtime.ops;

import dev.baton.runtime.tensor.Tensor;

/**
 * The record's softcapped cross-entropy ({@code FusedSoftcappedCrossEntropy}): training form with
 * multi-token-prediction weights and its gradient fused in one pass over the logits, and the
 * evaluation form (next token only, weights {1}, no gradient).
 */
public interface LossOps {
    /**
     * Per row i of N, with {@code z_j = a · sigmoid((logits[i,j] + b) / c)} over all V columns
     * (padding columns included) and {@code lse_i = log Σ_j exp(z_j)}:
     * {@code losses[i] = Σ_{k: i+k<N, w_k>0, 0≤t<V} w_k (lse_i − z_t)} with {@code t = targets[i+k]}.
     *
     * <p>When {@code dlogits} is not null it receives the gradient of {@code Σ_i losses[i]}
     * (upstream gradient 1; scale it in the consumer): with {@code S = Σ_{k: i+k<N} w_k} and
     * {@code p_j = exp(z_j − lse_i)}, {@code dz_j = S p_j − Σ_{k: i+k<N} w_k [j = targets[i+k]]},
     * {@code dlogits[i,j] = dz_j · z_j (1 − z_j / a) / c}. {@code dlogits} may be {@code logits}
     * (overwritten in place). The evaluation form is {@code weights = {1}} and a null
     * {@code dlogits}; its mean is {@code dot(losses, null, dst, i, 1/N, false)}.
     *
     * @param logits  (N, V)
     * @param targets (N) I32
     * @param weights MTP weights; weight k scores the token k+1 positions ahead (targets[i+k])
     * @param losses  (N), overwritten
     * @param dlogits (N, V) or null
     */
    void softcappedCrossEntropy(Tensor logits, Tensor targets, float[] weights, float a, float b, float c,
                                Tensor losses, Tensor dlogits);
}
