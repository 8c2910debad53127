package dev.baton.launcher.train;

import dev.baton.conf.Settings;
import dev.baton.runtime.data.DataException;
import dev.baton.runtime.data.ShardMeta;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.demo.DemoCorpus;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.tokenizer.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The train and validation shards a run reads, resolved from {@code baton.data}: glob patterns,
 * a folder written by {@code baton prepare}, or the embedded demo corpus prepared on first use.
 */
public record TrainingData(ShardSet train, ShardSet val, Tokenizer tokenizer, String description) {

    /** Resolves {@code baton.data.source}; a prepared folder's recorded tokenizer must match the config. */
    public static TrainingData resolve(Settings settings) {
        Tokenizer tokenizer = Tokenizer.named(settings.text("baton.data.tokenizer"));
        String source = settings.choice("baton.data.source", "files", "prepared", "demo");
        switch (source) {
            case "files":
                return new TrainingData(ShardSet.glob(settings.text("baton.data.train-files")),
                        ShardSet.glob(settings.text("baton.data.val-files")), tokenizer,
                        "shards " + settings.text("baton.data.train-files"));
            case "prepared": {
                String dir = settings.text("baton.data.prepared-dir");
                if (dir.isBlank()) {
                    throw new DataException("baton.data.source = prepared needs baton.data.prepared-dir: "
                            + "set it to a folder written by `baton prepare`");
                }
                return fromFolder(Path.of(dir), tokenizer, "prepared folder " + dir);
            }
            default: {
                Path work = Path.of(settings.text("baton.run.work-dir"));
                boolean fresh = !DemoCorpus.isPrepared(work, tokenizer);
                Path dir = DemoCorpus.prepare(work, tokenizer,
                        bytes -> ProgressBar.onStderr("preparing demo corpus (" + tokenizer.name() + ")", bytes));
                return fromFolder(dir, tokenizer, (fresh ? "demo corpus prepared into " : "demo corpus cached in ") + dir);
            }
        }
    }

    private static TrainingData fromFolder(Path dir, Tokenizer tokenizer, String description) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("data folder " + dir + " does not exist: run `baton prepare` first");
        }
        ShardMeta meta = ShardMeta.read(dir);
        if (!meta.tokenizer().equals(tokenizer.name())) {
            throw new DataException("shards in " + dir + " were made with tokenizer " + meta.tokenizer()
                    + " but baton.data.tokenizer is " + tokenizer.name() + ": set --set baton.data.tokenizer="
                    + meta.tokenizer() + " or prepare the data again");
        }
        return new TrainingData(ShardSet.inDirectory(dir, "train"), ShardSet.inDirectory(dir, "val"), tokenizer,
                description);
    }
}
