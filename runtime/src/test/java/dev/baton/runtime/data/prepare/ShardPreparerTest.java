package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.BosFinder;
import dev.baton.runtime.data.DataException;
import dev.baton.runtime.data.ShardMeta;
import dev.baton.runtime.data.ShardReader;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardPreparerTest {
    static final Tokenizer BYTES = Tokenizer.named("byte260");

    @TempDir
    Path tmp;

    PrepareSummary prepare(Path input, DocSeparator separator, PrepareSpec spec) throws IOException {
        try (DocumentSource source = DocumentSource.open(input, separator)) {
            return new ShardPreparer(BYTES).prepare(source, spec, total -> ProgressBar.silent());
        }
    }

    /** The documents stored in a split, decoded, in order (documents split over shards rejoined). */
    static List<String> documents(Path dir, String split) {
        ShardSet shards = ShardSet.inDirectory(dir, split);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            ShardReader r = shards.open(i);
            for (int t : r.tokens(0, r.tokenCount())) {
                all.add(t);
            }
        }
        List<String> docs = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= all.size(); i++) {
            if (i == all.size() || all.get(i) == BYTES.bosId()) {
                if (start >= 0) {
                    docs.add(BYTES.decode(all.subList(start, i).stream().mapToInt(Integer::intValue).toArray()));
                }
                start = i;
            }
        }
        return docs;
    }

    static List<String> hiddenFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    @Test
    void folderOfTextFilesGivesOneDocumentPerFileAndSpreadsValidation() throws IOException {
        Path in = Files.createDirectory(tmp.resolve("in"));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String text = "document number " + i + "\n\nsecond paragraph é";
            texts.add(text);
            Files.writeString(in.resolve(String.format("f%02d.txt", i)), text);
        }
        Files.writeString(in.resolve("notes.md"), "not a document");
        Path out = tmp.resolve("out");
        PrepareSummary s = prepare(in, null, new PrepareSpec(out, "folder", 0.25, 1000, 0, false));

        ShardMeta meta = s.meta();
        assertEquals(10, meta.documents());
        assertEquals(3, meta.valDocuments(), "ceil(10 x 0.25)");
        assertEquals(List.of(texts.get(0), texts.get(4), texts.get(8)), documents(out, "val"));
        assertEquals(List.of(texts.get(1), texts.get(2), texts.get(3), texts.get(5), texts.get(6), texts.get(7),
                texts.get(9)), documents(out, "train"));
        long bytes = texts.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
        assertEquals(bytes, meta.textBytes());
        assertEquals(bytes + 10, meta.tokens(), "byte260: one token per byte plus one BOS per document");
        assertEquals("file", meta.docSeparator());
        assertEquals(List.of("folder_train_000000.bin"), meta.trainShards());
        assertEquals(List.of(), hiddenFiles(out), "no temp files left");
        assertEquals(meta, ShardMeta.read(out));
        assertEquals("byte260", ShardMeta.read(out).tokenizer());
    }

    @Test
    void jsonLinesGiveOneDocumentPerLineFromTheTextField() throws IOException {
        Path in = tmp.resolve("docs.jsonl");
        Files.writeString(in, "{\"id\": 1, \"text\": \"alpha\\nbeta\"}\n"
                + "\n"
                + "{\"text\": \"gamma \\\"quoted\\\" \\u00e9\", \"meta\": {\"x\": [1, 2]}}\n"
                + "{\"text\": \"\"}\n"
                + "{\"text\": \"delta\"}\n"
                + "{\"text\": \"epsilon\"}\n");
        Path out = tmp.resolve("out");
        PrepareSummary s = prepare(in, null, new PrepareSpec(out, "j", 0.005, 1000, 0, false));
        assertEquals(4, s.meta().documents(), "blank lines and empty texts are skipped");
        assertEquals(List.of("alpha\nbeta"), documents(out, "val"), "document 0 always goes to validation");
        assertEquals(List.of("gamma \"quoted\" é", "delta", "epsilon"), documents(out, "train"));
    }

    @Test
    void shardsRollOverAtExactlyShardTokensAndDocumentsContinue() throws IOException {
        Path in = tmp.resolve("lines.txt.gz");
        StringBuilder text = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String line = "line " + i + " " + "x".repeat(i % 7);
            lines.add(line);
            text.append(line).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(in))) {
            gz.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        Path out = tmp.resolve("out");
        PrepareSummary s = prepare(in, DocSeparator.LINE, new PrepareSpec(out, "l", 0.1, 50, 0, false));
        assertEquals(40, s.meta().documents());
        assertEquals(4, s.meta().valDocuments());
        ShardSet train = ShardSet.inDirectory(out, "train");
        assertTrue(train.size() > 3);
        for (int i = 0; i + 1 < train.size(); i++) {
            assertEquals(50, train.tokenCount(i), "every shard but the last is full");
        }
        assertEquals(s.meta().trainTokens(), train.totalTokens());
        List<String> expected = new ArrayList<>(lines);
        expected.removeIf(l -> List.of(0, 10, 20, 30).contains(lines.indexOf(l)));
        assertEquals(expected, documents(out, "train"));
        // a later shard starts inside a document: its BOS positions skip that tail
        BosFinder second = BosFinder.scan(train.open(1), BYTES.bosId());
        assertTrue(second.count() > 0);
    }

    @Test
    void blankLineSeparatorMakesParagraphsAndMaxDocsStopsEarly() throws IOException {
        Path in = tmp.resolve("p.txt");
        Files.writeString(in, "\n\none a\none b\n\n\n  \ntwo\n\nthree\nthree b\n\nfour");
        Path out = tmp.resolve("out");
        PrepareSummary all = prepare(in, null, new PrepareSpec(out, "p", 0.0, 1000, 0, false));
        assertEquals(4, all.meta().documents());
        assertEquals(List.of("one a\none b", "two", "three\nthree b", "four"), documents(out, "train"));
        assertEquals(0, all.meta().valDocuments(), "a zero share writes no validation shard");
        PrepareSummary two = prepare(in, null, new PrepareSpec(tmp.resolve("out2"), "p", 0.0, 1000, 2, false));
        assertEquals(2, two.meta().documents());
    }

    @Test
    void existingDataIsKeptUnlessForcedAndStaleShardsGoAfterSuccess() throws IOException {
        Path in = tmp.resolve("p.txt");
        Files.writeString(in, "a a a a a a a a a a\n\nb b b b b b b b b b\n\nc c c c c c c c\n\nd d d d d d");
        Path out = tmp.resolve("out");
        prepare(in, null, new PrepareSpec(out, "p", 0.2, 10, 0, false));
        List<String> before = Arrays.asList(out.toFile().list());
        byte[] shard0 = Files.readAllBytes(out.resolve("p_train_000000.bin"));
        DataException e = assertThrows(DataException.class,
                () -> prepare(in, null, new PrepareSpec(out, "p", 0.2, 10, 0, false)));
        assertTrue(e.getMessage().startsWith(out + " already holds prepared data"), e.getMessage());
        assertTrue(e.getMessage().endsWith("pass --force to replace it, or choose another output folder"));
        assertEquals(before, Arrays.asList(out.toFile().list()));
        assertArrayEquals(shard0, Files.readAllBytes(out.resolve("p_train_000000.bin")), "left intact");

        PrepareSummary bigger = prepare(in, null, new PrepareSpec(out, "p", 0.2, 1000, 0, true));
        assertEquals(List.of("p_train_000000.bin"), bigger.meta().trainShards());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("meta.json", "p_train_000000.bin", "p_val_000000.bin"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "stale shards removed");
        }
    }

    @Test
    void badJsonLineNamesFileAndLineAndLeavesNoShards() throws IOException {
        Path in = tmp.resolve("bad.jsonl");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            text.append("{\"text\": \"document ").append(i).append("\"}\n");
        }
        text.append("{\"text\": \"broken}\n");
        Files.writeString(in, text.toString());
        Path out = tmp.resolve("out");
        DataException e = assertThrows(DataException.class,
                () -> prepare(in, null, new PrepareSpec(out, "b", 0.1, 20, 0, false)));
        assertEquals(in + ":31: not valid JSON: unterminated string at character 10", e.getMessage());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(), files.toList(), "shards committed before the error are removed, no temp left");
        }
        Files.writeString(in, "{\"body\": \"x\"}\n");
        assertEquals(in + ":1: no \"text\" field", assertThrows(DataException.class,
                () -> prepare(in, null, new PrepareSpec(out, "b", 0.1, 20, 0, false))).getMessage());
    }

    @Test
    void inputsThatCannotWorkSayWhy() throws IOException {
        Path one = tmp.resolve("one.txt");
        Files.writeString(one, "only one document");
        DataException single = assertThrows(DataException.class,
                () -> prepare(one, null, new PrepareSpec(tmp.resolve("o1"), "x", 0.5, 100, 0, false)));
        assertTrue(single.getMessage().contains("none left for training"), single.getMessage());
        assertEquals("input " + tmp.resolve("missing.txt") + " does not exist", assertThrows(DataException.class,
                () -> DocumentSource.open(tmp.resolve("missing.txt"), null)).getMessage());
        Path jsonl = tmp.resolve("a.jsonl");
        Files.writeString(jsonl, "{}");
        assertTrue(assertThrows(DataException.class, () -> DocumentSource.open(jsonl, DocSeparator.BLANK_LINE))
                .getMessage().contains("does not apply"));
        assertEquals("unknown document separator 'para'; valid: blank-line, file, line",
                assertThrows(DataException.class, () -> DocSeparator.parse("para")).getMessage());
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertEquals("folder " + empty + " has no .txt or .txt.gz files",
                assertThrows(DataException.class, () -> DocumentSource.open(empty, null)).getMessage());
    }

    @Test
    void validationShareRule() {
        PrepareSpec spec = new PrepareSpec(tmp, "v", 0.005, 100, 0, false);
        long count = 0;
        for (long i = 0; i < 1189; i++) {
            if (spec.isValidation(i)) {
                count++;
            }
        }
        assertEquals(6, count, "ceil(1189 x 0.5%)");
        assertTrue(spec.isValidation(0));
        assertTrue(spec.isValidation(200));
        assertFalse(spec.isValidation(199));
    }

    @Test
    void utf8LengthMatchesGetBytes() {
        String s = "aé€😀\uD800x";
        assertEquals(s.getBytes(StandardCharsets.UTF_8).length, ShardPreparer.utf8Length(s));
    }
}
