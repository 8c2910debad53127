package dev.baton.runtime.data.demo;

import dev.baton.runtime.data.ShardMeta;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCorpusTest {
    @TempDir
    Path work;

    @Test
    void preparesTheBibleOnceAndRedoesAnUnfinishedFolder() throws IOException {
        Tokenizer bytes = Tokenizer.named("byte260");
        Path dir = DemoCorpus.prepare(work, bytes, total -> ProgressBar.silent());
        assertEquals(work.resolve("demo").resolve("byte260"), dir);
        assertTrue(DemoCorpus.isPrepared(work, bytes));

        ShardMeta meta = ShardMeta.read(dir);
        assertEquals(1189, meta.documents());
        assertEquals(6, meta.valDocuments());
        assertEquals("byte260", meta.tokenizer());
        assertEquals("blank-line", meta.docSeparator());
        // 4,139,037 bytes of text less 2,377 newlines, plus one BOS per chapter
        assertEquals(4_136_660, meta.textBytes());
        assertEquals(meta.textBytes() + 1189, meta.tokens());
        assertEquals(meta.trainTokens(), ShardSet.inDirectory(dir, "train").totalTokens());
        assertEquals(meta.valTokens(), ShardSet.inDirectory(dir, "val").totalTokens());

        Path shard = dir.resolve("kjv_train_000000.bin");
        FileTime written = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(shard, written);
        DemoCorpus.prepare(work, bytes, total -> ProgressBar.silent());
        assertEquals(written, Files.getLastModifiedTime(shard), "a completed folder is reused as is");

        Files.delete(dir.resolve(DemoCorpus.COMPLETE_MARKER));
        Files.writeString(dir.resolve("kjv_train_000007.bin"), "junk from an interrupted run");
        DemoCorpus.prepare(work, bytes, total -> ProgressBar.silent());
        assertFalse(Files.exists(dir.resolve("kjv_train_000007.bin")));
        assertTrue(Files.getLastModifiedTime(shard).compareTo(written) > 0, "prepared again");
        assertTrue(DemoCorpus.isPrepared(work, bytes));
    }
}
