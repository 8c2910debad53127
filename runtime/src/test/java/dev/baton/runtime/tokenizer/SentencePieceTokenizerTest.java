package dev.baton.runtime.tokenizer;

import dev.baton.runtime.data.ShardMeta;
import dev.baton.runtime.data.ShardReader;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.prepare.DocumentSource;
import dev.baton.runtime.data.prepare.PrepareSpec;
import dev.baton.runtime.data.prepare.ShardPreparer;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.tokenizer.sentencepiece.PythonReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sp:FILE.model} through the tokenizer factory and {@code baton prepare}'s engine. */
class SentencePieceTokenizerTest {
    @TempDir
    Path tmp;

    @Test
    void aModelFileBecomesATokenizerThatNamesItsAbsolutePath() {
        Path file = PythonReference.modelFile(PythonReference.GOLF_MODEL, tmp);
        Tokenizer t = Tokenizer.named("sp:" + file);
        assertEquals("sp:" + file.toAbsolutePath().normalize(), t.name());
        assertEquals(1024, t.vocabSize());
        assertEquals(1, t.bosId());
        // Python: sp.encode("Jesus wept.") == [1006, 624, 460, 461, 995]
        assertArrayEquals(new int[] {1, 1006, 624, 460, 461, 995}, t.encodeDocument("Jesus wept."));
        assertEquals("Jesus wept.", t.decode(new int[] {1, 1006, 624, 460, 461, 995}), "BOS decodes to nothing");
        assertEquals("Jesus\uFFFD", t.decode(new int[] {1006, 624, 5000}), "a padded-vocab id");
        assertArrayEquals(t.encode("In the beginning"), Tokenizer.named(t.name()).encode("In the beginning"),
                "the recorded name reopens the same model");
    }

    @Test
    void aMissingModelFileIsOneClearMessage() {
        UnknownTokenizerException e = assertThrows(UnknownTokenizerException.class,
                () -> Tokenizer.named("sp:" + tmp.resolve("nope.model")));
        assertEquals("tokenizer 'sp:" + tmp.resolve("nope.model") + "': " + tmp.resolve("nope.model")
                + " does not exist; give the path of a SentencePiece BPE .model file", e.getMessage());
        assertEquals(0, e.getStackTrace().length);
        assertThrows(UnknownTokenizerException.class, () -> Tokenizer.named("sp:"));
    }

    @Test
    void aFileThatIsNotAModelIsOneClearMessage() throws IOException {
        Path file = Files.writeString(tmp.resolve("vocab.txt"), "<unk>\t0\n<s>\t0\n");
        UnknownTokenizerException e = assertThrows(UnknownTokenizerException.class, () -> Tokenizer.named("sp:" + file));
        assertTrue(e.getMessage().startsWith("tokenizer 'sp:" + file + "': " + file + ": not a SentencePiece model"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    /** As the challenge's shards: every document is [BOS=1] + sp.encode(text), no EOS. */
    @Test
    void prepareWritesBosAndThePythonIdsPerDocument() throws IOException {
        Tokenizer t = Tokenizer.named("sp:" + PythonReference.modelFile(PythonReference.GOLF_MODEL, tmp));
        Path input = Files.writeString(tmp.resolve("docs.txt"),
                "Jesus wept.\n\nAnd God said, Let there be light: and there was light.\n\nJesus wept.\n");
        Path out = tmp.resolve("out");
        try (DocumentSource source = DocumentSource.open(input, null)) {
            new ShardPreparer(t).prepare(source, new PrepareSpec(out, "kjv", 0.34, 1000, 0, false),
                    total -> ProgressBar.silent());
        }
        ShardMeta meta = ShardMeta.read(out);
        assertEquals(t.name(), meta.tokenizer());
        assertEquals(1024, meta.vocabSize());
        assertEquals(1, meta.bosId());
        int[] all = concat(ShardSet.inDirectory(out, "train"), ShardSet.inDirectory(out, "val"));
        int[] wept = {1, 1006, 624, 460, 461, 995};
        int[] light = {1, 299, 390, 391, 987, 325, 365, 386, 298, 304, 443, 999, 271, 386, 371, 304, 443, 995};
        assertEquals(2 * wept.length + light.length, all.length);
        assertEquals(3, Arrays.stream(all).filter(id -> id == 1).count(), "one BOS per document");
        assertTrue(Arrays.stream(all).noneMatch(id -> id == 2), "no EOS");
    }

    private static int[] concat(ShardSet... sets) {
        return Arrays.stream(sets).flatMapToInt(s -> {
            int[] ids = new int[0];
            for (int i = 0; i < s.size(); i++) {
                ShardReader r = s.open(i);
                int[] more = r.tokens(0, r.tokenCount());
                int[] joined = Arrays.copyOf(ids, ids.length + more.length);
                System.arraycopy(more, 0, joined, ids.length, more.length);
                ids = joined;
            }
            return Arrays.stream(ids);
        }).toArray();
    }
}
