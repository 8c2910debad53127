package dev.baton.launcher.train;

import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.conf.Settings;
import dev.baton.runtime.data.DataException;
import dev.baton.runtime.data.prepare.PrepareSpec;
import dev.baton.runtime.data.prepare.ShardPreparer;
import dev.baton.runtime.data.prepare.TextDocuments;
import dev.baton.runtime.data.prepare.DocSeparator;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingDataTest {
    private static Settings settings(String... sets) {
        return ConfigLoader.fromClasspath().load(ConfigRequest.profile("tiny-cpu").withSets(sets)).settings();
    }

    @Test
    void preparedFolderResolvesBothSplitsWithItsTokenizer(@TempDir Path dir) throws Exception {
        prepare(dir, "byte260");
        TrainingData data = TrainingData.resolve(settings("baton.data.source=prepared",
                "baton.data.prepared-dir=" + dir, "baton.data.tokenizer=byte260"));
        assertEquals(1, data.train().size());
        assertEquals(1, data.val().size());
        assertEquals("byte260", data.tokenizer().name());
        assertTrue(data.train().totalTokens() > 0);
    }

    @Test
    void tokenizerMismatchNamesBothAndTheFix(@TempDir Path dir) throws Exception {
        prepare(dir, "byte260");
        DataException e = assertThrows(DataException.class, () -> TrainingData.resolve(settings(
                "baton.data.source=prepared", "baton.data.prepared-dir=" + dir, "baton.data.tokenizer=gpt2")));
        assertTrue(e.getMessage().contains("made with tokenizer byte260"), e.getMessage());
        assertTrue(e.getMessage().contains("baton.data.tokenizer=byte260"), e.getMessage());
    }

    @Test
    void missingFolderSaysToPrepare(@TempDir Path dir) {
        Path absent = dir.resolve("nothing-here");
        DataException e = assertThrows(DataException.class, () -> TrainingData.resolve(settings(
                "baton.data.source=prepared", "baton.data.prepared-dir=" + absent)));
        assertEquals("data folder " + absent + " does not exist: run `baton prepare` first", e.getMessage());
        assertTrue(Files.notExists(absent));
    }

    private static void prepare(Path dir, String tokenizer) throws Exception {
        String text = "In the beginning was the word.\n\nAnd the word was with God.\n\nAmen.\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        PrepareSpec spec = new PrepareSpec(dir, "t", 0.34, PrepareSpec.DEFAULT_SHARD_TOKENS, 0, true);
        try (TextDocuments docs = TextDocuments.of("test", new ByteArrayInputStream(bytes), bytes.length, false,
                DocSeparator.BLANK_LINE)) {
            new ShardPreparer(Tokenizer.named(tokenizer)).prepare(docs, spec, total -> ProgressBar.silent());
        }
    }
}
