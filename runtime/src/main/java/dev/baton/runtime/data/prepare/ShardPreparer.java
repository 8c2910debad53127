package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.DataException;
import dev.baton.runtime.data.ShardMeta;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.report.ReadableUnits;
import dev.baton.runtime.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * {@code baton prepare}'s engine: reads documents, tokenizes each as {@code [BOS] + ids}, sends
 * every document to train or val by {@link PrepareSpec#isValidation}, writes rolling shards and
 * finally {@code meta.json}. Every shard appears atomically; on failure the shards of this run are
 * removed again, and shards of the same name from an earlier run are replaced only after success.
 */
public final class ShardPreparer {
    private final Tokenizer tokenizer;

    public ShardPreparer(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Prepares {@code source} as {@code spec} says.
     *
     * @param progress makes the progress bar, given the source's total bytes ({@code -1} if unknown)
     */
    public PrepareSummary prepare(DocumentSource source, PrepareSpec spec, LongFunction<ProgressBar> progress) {
        Path dir = spec.outputDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException("cannot create output folder " + dir + ": " + e.getMessage(), e);
        }
        List<Path> previous = existing(dir, spec.name());
        if (!previous.isEmpty() && !spec.overwrite()) {
            throw new DataException(dir + " already holds prepared data (" + previous.get(0).getFileName()
                    + (previous.size() > 1 ? " and " + (previous.size() - 1) + " more" : "")
                    + "); pass --force to replace it, or choose another output folder");
        }
        ProgressBar bar = progress.apply(source.totalBytes());
        long startNanos = System.nanoTime();
        SplitWriter train = new SplitWriter(dir, spec.name(), "train", spec.shardTokens());
        SplitWriter val = new SplitWriter(dir, spec.name(), "val", spec.shardTokens());
        List<Path> trainFiles;
        List<Path> valFiles;
        long textBytes = 0;
        boolean done = false;
        try (train; val) {
            long index = 0;
            String doc;
            while ((spec.maxDocuments() <= 0 || index < spec.maxDocuments()) && (doc = source.next()) != null) {
                textBytes += utf8Length(doc);
                (spec.isValidation(index) ? val : train).writeDocument(tokenizer.encodeDocument(doc));
                index++;
                bar.update(source.bytesRead(), detail(index, train.tokens() + val.tokens(), bar.elapsedSeconds()));
            }
            trainFiles = train.finish();
            valFiles = val.finish();
            if (train.documents() == 0) {
                throw new DataException(source.description() + " yields " + index + " document(s), none left for "
                        + "training after the validation share; give more text or a lower --val-share");
            }
            done = true;
        } catch (IOException e) {
            throw new DataException("cannot read " + source.description() + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                deleteAll(train.written());
                deleteAll(val.written());
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        ShardMeta meta = new ShardMeta(spec.name(), tokenizer.name(), tokenizer.vocabSize(), tokenizer.bosId(),
                source.description(), source.separator().label(), spec.valShare(), spec.shardTokens(),
                train.documents(), val.documents(), train.tokens(), val.tokens(), textBytes,
                names(trainFiles), names(valFiles));
        Path metaFile = meta.write(dir);
        Set<Path> kept = new HashSet<>();
        Stream.of(trainFiles, valFiles, List.of(metaFile)).flatMap(List::stream).forEach(p -> kept.add(p.toAbsolutePath()));
        List<Path> stale = new ArrayList<>(previous);
        stale.removeIf(kept::contains);
        deleteAll(stale);
        bar.finish(source.totalBytes() > 0 ? source.totalBytes() : 0,
                detail(meta.documents(), meta.tokens(), seconds));
        return new PrepareSummary(dir, meta, seconds);
    }

    private static String detail(long documents, long tokens, double seconds) {
        return ReadableUnits.count(documents) + " docs  " + ReadableUnits.compact(tokens) + " tokens  "
                + ReadableUnits.compact(seconds > 0 ? tokens / seconds : 0) + " tok/s";
    }

    /** The files of an earlier preparation named {@code name} in {@code dir}, and its meta.json. */
    private static List<Path> existing(Path dir, String name) {
        PathMatcher shards = FileSystems.getDefault().getPathMatcher("glob:" + name + "_{train,val}_*.bin");
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> shards.matches(p.getFileName())
                            || p.getFileName().toString().equals(ShardMeta.FILE_NAME))
                    .map(Path::toAbsolutePath).sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    private static void deleteAll(List<Path> files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // best effort while already failing or tidying
            }
        }
    }

    /** UTF-8 length of {@code s} as {@code getBytes(UTF_8)} would produce it, without the copy. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1; // an unpaired surrogate encodes as '?'
            } else {
                n += 3;
            }
        }
        return n;
    }
}
