package dev.baton.runtime.data.demo;

import dev.baton.runtime.data.DataException;
import dev.baton.runtime.data.prepare.DocSeparator;
import dev.baton.runtime.data.prepare.PrepareSpec;
import dev.baton.runtime.data.prepare.PrepareSummary;
import dev.baton.runtime.data.prepare.ShardPreparer;
import dev.baton.runtime.data.prepare.TextDocuments;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * The corpus shipped inside Baton: the King James Bible (public domain), one chapter per paragraph,
 * 1,189 chapters. It is prepared into {@code <workDir>/demo/<tokenizer>/} on first use; a marker
 * file written last says the folder is complete, so a preparation cut short is redone.
 */
public final class DemoCorpus {
    public static final String RESOURCE = "kjv_chapters.txt.gz";
    public static final String NAME = "kjv";
    public static final int DOCUMENTS = 1189;
    /** Size of the gzip resource, for the progress bar. */
    private static final long RESOURCE_BYTES = 1_205_218;
    static final String COMPLETE_MARKER = ".complete";

    private DemoCorpus() {
    }

    /** The folder the demo shards for {@code tokenizer} live in under {@code workDir}. */
    public static Path directory(Path workDir, Tokenizer tokenizer) {
        return workDir.resolve("demo").resolve(tokenizer.name());
    }

    /** Whether {@link #prepare} has completed for this tokenizer. */
    public static boolean isPrepared(Path workDir, Tokenizer tokenizer) {
        return Files.isRegularFile(directory(workDir, tokenizer).resolve(COMPLETE_MARKER));
    }

    /**
     * The prepared demo folder, preparing it first unless a completed one exists.
     *
     * @param progress makes the progress bar if preparation runs (given the input bytes)
     */
    public static Path prepare(Path workDir, Tokenizer tokenizer, LongFunction<ProgressBar> progress) {
        Path dir = directory(workDir, tokenizer);
        if (isPrepared(workDir, tokenizer)) {
            return dir;
        }
        clear(dir); // a half-prepared folder from an interrupted run
        PrepareSpec spec = new PrepareSpec(dir, NAME, PrepareSpec.DEFAULT_VAL_SHARE, PrepareSpec.DEFAULT_SHARD_TOKENS,
                0, false);
        try (InputStream resource = open();
             TextDocuments docs = TextDocuments.of("baton demo corpus: King James Bible, one chapter per document",
                     resource, RESOURCE_BYTES, true, DocSeparator.BLANK_LINE)) {
            PrepareSummary summary = new ShardPreparer(tokenizer).prepare(docs, spec, progress);
            if (summary.meta().documents() != DOCUMENTS) {
                throw new DataException("demo corpus yielded " + summary.meta().documents() + " documents, expected "
                        + DOCUMENTS + ": the embedded resource is damaged");
            }
            Files.writeString(dir.resolve(COMPLETE_MARKER), summary.describe() + "\n");
            return dir;
        } catch (IOException e) {
            throw new DataException("cannot prepare the demo corpus into " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The gzip-compressed corpus text. */
    public static InputStream open() {
        InputStream in = DemoCorpus.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new DataException("the demo corpus resource " + RESOURCE + " is missing from the Baton jar");
        }
        return in;
    }

    private static void clear(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new DataException("cannot clear the unfinished demo folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
