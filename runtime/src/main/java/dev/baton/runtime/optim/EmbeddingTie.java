package dev.baton.runtime.optim;

/**
 * The input embedding (V, d) kept equal to the transposed head (d, V) until the split step: on
 * Adam steps the head's gradient absorbs the embedding's transposed gradient, only the head
 * updates, and the embedding is overwritten with the head's transpose. Labels of the param table.
 */
public record EmbeddingTie(String headLabel, String embedLabel) {
    /** The record's tie: {@code lm_head} (d, V) and {@code embed} (V, d). */
    public static EmbeddingTie record() {
        return new EmbeddingTie("lm_head", "embed");
    }
}
