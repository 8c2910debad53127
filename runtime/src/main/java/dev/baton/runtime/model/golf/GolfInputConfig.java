package dev.baton.runtime.model.golf;

/**
 * Seed 002's input stage between the token embedding and the first block:
 * {@code tok_emb[ids] (+ BigramHash) → rms_norm → (SmearGate) → (GELU pre-enrichment → rms_norm)}.
 *
 * @param bigramBuckets   rows of the hashed bigram table B (records: 2048..10240); 0 = no BigramHash
 * @param bigramDim       width of a bigram row before its projection to model_dim (128)
 * @param smearGate       blend each position with the previous one through a learned per-channel gate
 * @param preEnrichHidden hidden width of the GELU pre-enrichment MLP (seed 002: 768 for d 512); 0 = off
 */
public record GolfInputConfig(int bigramBuckets, int bigramDim, boolean smearGate, int preEnrichHidden) {
    /** The baseline: the normalised token embedding alone. */
    public static final GolfInputConfig NONE = new GolfInputConfig(0, 128, false, 0);

    public GolfInputConfig {
        if (bigramBuckets < 0 || bigramBuckets == 1 || bigramDim <= 0 || preEnrichHidden < 0) {
            throw new IllegalArgumentException("bigram buckets must be 0 (off) or at least 2, the bigram width "
                    + "positive, the pre-enrichment width not negative: " + this);
        }
    }

    public boolean bigram() {
        return bigramBuckets > 0;
    }

    public boolean preEnrich() {
        return preEnrichHidden > 0;
    }
}
