package dev.baton.runtime.golf.eval;

/**
 * Multi-order n-gram backoff mixing's settings (seed 002, after PR #727): hashed counts of orders
 * {@code minOrder..maxOrder} (an order-n entry is n − 1 tokens of context and the token after them)
 * built only from already-scored tokens; the highest order whose context was seen at least
 * {@code minCount} times gives the n-gram distribution, and the model's distribution is mixed with
 * it as {@code p = (1 − α) p_model + α p_ngram} with the entropy-adaptive weight
 * {@code α = alphaBase + alphaRange · σ(entropyScale · (H − entropyCenter))}, H the model's entropy in
 * nats: an unsure model leans on the counts.
 *
 * @param minOrder      lowest order tried (2: one token of context)
 * @param maxOrder      highest order tried (11: ten tokens of context)
 * @param buckets       hash buckets per order and table (a power of two; the records: about 4 M)
 * @param minCount      times a context must have been seen before its order is used (2)
 */
public record NgramConfig(int minOrder, int maxOrder, int buckets, int minCount, double alphaBase, double alphaRange,
                          double entropyScale, double entropyCenter) {

    public NgramConfig {
        if (minOrder < 2 || maxOrder < minOrder) {
            throw new IllegalArgumentException("n-gram orders must satisfy 2 <= min-order <= max-order, got " + minOrder
                    + ".." + maxOrder);
        }
        if (buckets < 2 || Integer.bitCount(buckets) != 1) {
            throw new IllegalArgumentException("n-gram buckets must be a power of two >= 2, got " + buckets);
        }
        if (minCount < 1) {
            throw new IllegalArgumentException("n-gram min-count must be >= 1, got " + minCount);
        }
        if (!(alphaBase >= 0) || !(alphaRange >= 0) || !(alphaBase + alphaRange <= 1)) {
            throw new IllegalArgumentException("n-gram mixing weight needs alpha-base >= 0, alpha-range >= 0 and their "
                    + "sum <= 1, got " + alphaBase + " and " + alphaRange);
        }
        if (!Double.isFinite(entropyScale) || !Double.isFinite(entropyCenter)) {
            throw new IllegalArgumentException("n-gram entropy-scale and entropy-center must be finite");
        }
    }

    /** The constants of seed 002 / PR #727: orders 2–11, 4 M buckets, min count 2, α = 0.05 + 0.55 σ(2 (H − 4)). */
    public static NgramConfig record() {
        return new NgramConfig(2, 11, 1 << 22, 2, 0.05, 0.55, 2.0, 4.0);
    }

    /** The mixing weight for a model distribution of entropy {@code entropyNats}. */
    public double alpha(double entropyNats) {
        return alphaBase + alphaRange / (1 + Math.exp(-entropyScale * (entropyNats - entropyCenter)));
    }
}
