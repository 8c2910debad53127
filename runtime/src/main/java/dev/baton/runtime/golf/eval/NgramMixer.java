package dev.baton.runtime.golf.eval;

/**
 * Seed 002's evaluation-time mix of the model with the n-gram counts of the already-scored
 * tokens: {@code p = (1 − α) p_model + α p_ngram} over the whole vocabulary, α from the model's
 * entropy ({@link NgramConfig#alpha}); where no order has a known context the model's distribution
 * is used as is. Both inputs sum to 1, so the mix does.
 */
public final class NgramMixer {
    private final NgramConfig config;
    private final NgramTables tables;
    private final double[] ngram;

    public NgramMixer(NgramConfig config, int vocab) {
        this.config = config;
        this.tables = new NgramTables(config, vocab);
        this.ngram = new double[vocab];
    }

    /**
     * Writes into {@code out} the mixed distribution of the token after {@code tokens[pos]} from the
     * model's {@code model} (both length V; {@code out} may be {@code model}); returns α (0 when no
     * order matched). Reads only {@code tokens[0..pos]}.
     */
    public double mix(double[] model, int[] tokens, int pos, double[] out) {
        if (tables.distribution(tokens, pos, ngram) == 0) {
            if (out != model) {
                System.arraycopy(model, 0, out, 0, model.length);
            }
            return 0;
        }
        double alpha = config.alpha(entropy(model));
        double keep = 1 - alpha;
        for (int v = 0; v < out.length; v++) {
            out[v] = keep * model[v] + alpha * ngram[v];
        }
        return alpha;
    }

    /** Adds the scored target {@code tokens[pos + 1]} to the counts. */
    public void scored(int[] tokens, int pos) {
        tables.add(tokens, pos);
    }

    /** Shannon entropy in nats. */
    public static double entropy(double[] p) {
        double h = 0;
        for (double x : p) {
            if (x > 0) {
                h -= x * Math.log(x);
            }
        }
        return h;
    }
}
