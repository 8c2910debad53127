package dev.baton.runtime.train;

/**
 * A summed loss and the number of tokens it covers, so that losses of micro-batches, ranks and
 * validation steps add up exactly whatever their sizes.
 *
 * @param sum    Σ over tokens of the per-token loss (training: with the MTP weights, the record's
 *               training loss; evaluation: next-token cross-entropy)
 * @param tokens tokens the sum covers
 */
public record LossSum(double sum, long tokens) {
    public static final LossSum ZERO = new LossSum(0, 0);

    public LossSum plus(LossSum o) {
        return new LossSum(sum + o.sum, tokens + o.tokens);
    }

    /** The mean loss per token (NaN for no tokens). */
    public double perToken() {
        return tokens == 0 ? Double.NaN : sum / tokens;
    }
}
