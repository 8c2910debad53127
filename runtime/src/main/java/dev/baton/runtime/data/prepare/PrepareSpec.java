package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.ShardFormat;

import java.nio.file.Path;

/**
 * Where and how {@link ShardPreparer} writes: output folder, shard name prefix, validation share,
 * tokens per shard, an optional document limit ({@code maxDocuments <= 0}: all) and whether
 * existing shards of that name may be replaced.
 */
public record PrepareSpec(Path outputDir, String name, double valShare, int shardTokens,
                          long maxDocuments, boolean overwrite) {
    public static final double DEFAULT_VAL_SHARE = 0.005;
    public static final int DEFAULT_SHARD_TOKENS = 100_000_000;

    public PrepareSpec {
        if (!(valShare >= 0 && valShare < 1)) {
            throw new IllegalArgumentException("validation share must be in [0, 1), got " + valShare);
        }
        if (shardTokens < 1 || shardTokens > ShardFormat.MAX_TOKENS) {
            throw new IllegalArgumentException("tokens per shard must be in 1.."
                    + ShardFormat.MAX_TOKENS + ", got " + shardTokens);
        }
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("shard name '" + name
                    + "' must start with a letter or digit and use only letters, digits, '.', '_' and '-'");
        }
    }

    /** Defaults: 0.5% validation, 100M tokens per shard, all documents, no overwrite. */
    public static PrepareSpec of(Path outputDir, String name) {
        return new PrepareSpec(outputDir, name, DEFAULT_VAL_SHARE, DEFAULT_SHARD_TOKENS, 0, false);
    }

    /**
     * Whether document {@code index} (0-based, in input order) goes to validation: exactly
     * {@code ceil(n * valShare)} of the first n documents do, evenly spread, starting with document 0,
     * so any positive share yields at least one validation document and the choice never depends
     * on anything but the order of the input.
     */
    public boolean isValidation(long index) {
        return valShare > 0 && Math.ceil(index * valShare) < Math.ceil((index + 1) * valShare);
    }
}
