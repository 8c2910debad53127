package dev.baton.runtime.golf.bpb;

/**
 * Parameter golf's score as sums that ranks add up: total cross-entropy in nats, scored tokens and
 * their text bytes, all float64 as the challenge's {@code eval_val} keeps them. {@code val_loss} is
 * the mean loss per token and {@code val_bpb = (val_loss / ln 2) * (tokens / bytes)}. Immutable,
 * so a device actor can send its part as a message; {@link #plus} is the all-reduce.
 */
public record BitsPerByte(double lossNats, double tokens, double bytes) {
    public static final BitsPerByte ZERO = new BitsPerByte(0, 0, 0);
    private static final double LN2 = Math.log(2.0);

    /**
     * The sums for one batch of scored targets.
     *
     * @param losses   per-target cross-entropy in nats
     * @param previous the token before each target (the input at the target's position)
     * @param targets  the scored tokens
     */
    public static BitsPerByte of(float[] losses, int[] previous, int[] targets, ByteTables tables) {
        if (losses.length != targets.length) {
            throw new IllegalArgumentException(losses.length + " losses for " + targets.length + " targets");
        }
        double sum = 0;
        for (float loss : losses) {
            sum += loss;
        }
        return new BitsPerByte(sum, targets.length, tables.bytes(previous, targets));
    }

    /** As the baseline adds a batch: its mean loss (computed by the model) times its token count. */
    public static BitsPerByte ofBatchMean(double meanLossNats, long tokens, long bytes) {
        return new BitsPerByte(meanLossNats * tokens, tokens, bytes);
    }

    public BitsPerByte plus(BitsPerByte other) {
        return new BitsPerByte(lossNats + other.lossNats, tokens + other.tokens, bytes + other.bytes);
    }

    /** Mean cross-entropy per token in nats ({@code val_loss}). */
    public double valLoss() {
        return lossNats / tokens;
    }

    /** {@code val_bpb}, computed in the baseline's order of operations. */
    public double bpb() {
        double bitsPerToken = valLoss() / LN2;
        double tokensPerByte = tokens / bytes;
        return bitsPerToken * tokensPerByte;
    }
}
