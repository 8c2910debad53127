package dev.baton.runtime.golf.eval;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Score-first test-time training's settings (the golf records' "legal TTT"): the validation targets
 * are cut into chunks of {@code chunkTokens}; each chunk is scored first and only then trained on
 * with SGD (momentum, no dampening, no Nesterov, as {@code torch.optim.SGD}) for {@code epochs}
 * passes of batches of {@code batchSequences} sequences.
 *
 * @param chunkTokens    targets per chunk (the 1.0752 record: 32,000)
 * @param lr             SGD learning rate (0.01)
 * @param momentum       SGD momentum (0.9)
 * @param epochs         passes over a chunk after it is scored (3)
 * @param batchSequences sequences of the model's length per SGD step (32)
 * @param gradClip       global gradient-norm clip over the trained parameters; 0 = off (1.0)
 * @param cosine         when true the lr of chunk c is {@code lr · ½(1 + cos(π c / (N − 1)))} over
 *                       the N chunks (the 1.0810 record); false = constant lr (the 1.0752 seed)
 * @param params         regular expression over state_dict names choosing what trains ({@code .*}:
 *                       all, as the records do)
 */
public record TestTimeTrainingConfig(int chunkTokens, double lr, double momentum, int epochs, int batchSequences,
                                     double gradClip, boolean cosine, String params) {

    public TestTimeTrainingConfig {
        if (chunkTokens < 1 || epochs < 0 || batchSequences < 1) {
            throw new IllegalArgumentException("test-time training needs chunk-tokens >= 1, epochs >= 0 and "
                    + "batch-sequences >= 1, got " + chunkTokens + ", " + epochs + ", " + batchSequences);
        }
        if (!(lr >= 0) || !(momentum >= 0 && momentum < 1) || !(gradClip >= 0)) {
            throw new IllegalArgumentException("test-time training needs lr >= 0, momentum in [0, 1) and grad-clip >= 0, "
                    + "got " + lr + ", " + momentum + ", " + gradClip);
        }
        try {
            Pattern.compile(params);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("test-time training params '" + params + "' is not a regular expression: "
                    + e.getDescription());
        }
    }

    /** The 1.0752 record's settings: chunks of 32,000, SGD lr 0.01 momentum 0.9, 3 epochs, all weights. */
    public static TestTimeTrainingConfig record() {
        return new TestTimeTrainingConfig(32_000, 0.01, 0.9, 3, 32, 1.0, false, ".*");
    }

    /** Whether the parameter named {@code name} trains. */
    public boolean trains(String name) {
        return Pattern.matches(params, name);
    }

    /** The learning rate of chunk {@code chunk} of {@code chunks}. */
    public double lrOfChunk(int chunk, int chunks) {
        if (!cosine || chunks < 2) {
            return lr;
        }
        return lr * 0.5 * (1 + Math.cos(Math.PI * chunk / (chunks - 1)));
    }
}
