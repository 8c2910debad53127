package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.ShardWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes one split (train or val) as numbered shards {@code <name>_<split>_NNNNNN.bin} of exactly
 * {@code shardTokens} tokens (the last one shorter); a document that does not fit continues in the
 * next shard, as in the FineWeb and parameter-golf exports.
 */
final class SplitWriter implements AutoCloseable {
    private final Path dir;
    private final String name;
    private final String split;
    private final int shardTokens;
    private final List<Path> written = new ArrayList<>();
    private ShardWriter current;
    private long tokens;
    private long documents;

    SplitWriter(Path dir, String name, String split, int shardTokens) {
        this.dir = dir;
        this.name = name;
        this.split = split;
        this.shardTokens = shardTokens;
    }

    static String fileName(String name, String split, int index) {
        return String.format(Locale.ROOT, "%s_%s_%06d.bin", name, split, index);
    }

    void writeDocument(int[] doc) {
        int at = 0;
        while (at < doc.length) {
            if (current == null) {
                current = ShardWriter.create(dir.resolve(fileName(name, split, written.size())));
            }
            int n = (int) Math.min(doc.length - at, shardTokens - current.count());
            current.write(doc, at, n);
            at += n;
            if (current.count() == shardTokens) {
                written.add(current.commit());
                current = null;
            }
        }
        tokens += doc.length;
        documents++;
    }

    /** Commits the last, partial shard; returns every shard written. */
    List<Path> finish() {
        if (current != null && current.count() > 0) {
            written.add(current.commit());
        } else if (current != null) {
            current.close();
        }
        current = null;
        return List.copyOf(written);
    }

    /** Shards committed so far. */
    List<Path> written() {
        return List.copyOf(written);
    }

    long tokens() {
        return tokens;
    }

    long documents() {
        return documents;
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
