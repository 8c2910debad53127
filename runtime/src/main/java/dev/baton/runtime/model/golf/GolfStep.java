package dev.baton.runtime.model.golf;

import dev.baton.runtime.tensor.Tensor;

import java.util.List;

/**
 * What one forward fixes and its backward reuses: the token count, the device views of the ids,
 * targets, sequence boundaries and the K/V head-repeat map, and whether activations are kept.
 */
final class GolfStep {
    int tokens;
    Tensor ids;
    Tensor targets;
    Tensor cuSeqlens;
    /** Row gather map from (T·H) query heads to (T·H_kv) key/value heads, for T tokens. */
    Tensor kvRepeat;
    boolean training;
    /** GPTQ calibration's hook on matrix inputs, or null (evaluation forwards only). */
    MatrixInputTap tap;

    /** Hands {@code input} to the tap, if one is set. */
    void observe(List<String> weights, Tensor input) {
        if (tap != null) {
            tap.observe(weights, input);
        }
    }
    /** The input ids on the host (BigramHash hashes them there). */
    int[] hostIds;
    /** Tokens per sequence: positions 0, seqLen, 2·seqLen, ... start a sequence. */
    int seqLen;

    /** The first {@link #tokens} rows of a buffer sized for the longest batch. */
    Tensor rows(Tensor full) {
        return full.narrow(0, tokens);
    }
}
