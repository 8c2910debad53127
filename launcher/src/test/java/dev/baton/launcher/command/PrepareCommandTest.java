package dev.baton.launcher.command;

import dev.baton.runtime.data.ShardMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrepareCommandTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        PrepareCommand command = new PrepareCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandLine(command).execute(args);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void preparesAFolderWithTheChosenTokenizer() throws IOException {
        Path in = Files.createDirectory(tmp.resolve("corpus"));
        for (int i = 0; i < 4; i++) {
            Files.writeString(in.resolve("d" + i + ".txt"), "text of document " + i);
        }
        Path outDir = tmp.resolve("shards");
        int code = run(in.toString(), "-o", outDir.toString(), "--tokenizer", "byte260", "--val-share", "0.25");
        assertEquals(0, code, stderr());
        assertTrue(stderr().startsWith("prepare 100%  4 docs  76 tokens"), "plain progress when not a terminal: " + stderr());
        String summary = out.toString(StandardCharsets.UTF_8);
        assertTrue(summary.startsWith("prepared 4 documents (3 train, 1 val), 76 byte260 tokens from 72 B of text"), summary);
        ShardMeta meta = ShardMeta.read(outDir);
        assertEquals("corpus", meta.name(), "the shard name defaults to the input's base name");
        try (Stream<Path> files = Files.list(outDir)) {
            assertEquals(List.of("corpus_train_000000.bin", "corpus_val_000000.bin", "meta.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void badInputsEndWithOneLineAndExitTwo() throws IOException {
        Path txt = tmp.resolve("a.txt");
        Files.writeString(txt, "one\n\ntwo\n\nthree");
        assertOneLine(2, "baton prepare: unknown tokenizer 'gtp2'; valid names: gpt2, byte260, sp:FILE.model",
                txt.toString(), "--tokenizer", "gtp2");
        Path model = tmp.resolve("fineweb_1024_bpe.model");
        assertOneLine(2, "baton prepare: tokenizer 'sp:" + model + "': " + model + " does not exist; give the path "
                + "of a SentencePiece BPE .model file", txt.toString(), "--tokenizer", "sp:" + model);
        assertOneLine(2, "baton prepare: input " + tmp.resolve("nope.txt") + " does not exist",
                tmp.resolve("nope.txt").toString());
        assertOneLine(2, "baton prepare: unknown document separator 'para'; valid: blank-line, file, line",
                txt.toString(), "--doc-separator", "para");
        assertOneLine(2, "baton prepare: validation share must be in [0, 1), got 1.5",
                txt.toString(), "--val-share", "1.5");
        assertOneLine(2, "baton prepare: give an INPUT (text file, folder or .jsonl) or --demo; see baton prepare --help");
        Path shard = tmp.resolve("x.bin");
        assertFalse(Files.exists(shard));
    }

    private void assertOneLine(int code, String message, String... args) {
        err.reset();
        assertEquals(code, run(args));
        assertEquals(message + System.lineSeparator(), stderr());
    }

    @Test
    void baseNameStripsTextExtensions() {
        assertEquals("kjv_chapters", PrepareCommand.baseName(Path.of("/x/kjv_chapters.txt.gz")));
        assertEquals("docs", PrepareCommand.baseName(Path.of("docs.jsonl")));
        assertEquals("my_corpus", PrepareCommand.baseName(Path.of("my corpus")));
    }
}
