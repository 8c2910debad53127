package dev.baton.runtime.tokenizer.sentencepiece;

import dev.baton.runtime.data.demo.DemoCorpus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Encoding, decoding and normalisation equal Python sentencepiece on its own models, case by case. */
class PythonParityTest {
    @ParameterizedTest
    @ValueSource(strings = {PythonReference.GOLF_MODEL, PythonReference.IDENTITY_MODEL})
    void everyCaseEncodesDecodesAndNormalisesAsPython(String name) {
        SentencePieceModel sp = SentencePieceModel.parse(PythonReference.modelBytes(name));
        List<Map<String, Object>> cases = PythonReference.cases(name);
        assertTrue(cases.size() > 30);
        int checked = 0;
        for (Map<String, Object> c : cases) {
            String text = (String) c.get("text");
            String label = name + " on " + abbreviate(text);
            int[] expected = PythonReference.ints(c.get("ids"));
            int[] ids = sp.encode(text);
            assertArrayEquals(expected, ids, label);
            List<String> pieces = Arrays.stream(ids).mapToObj(id -> sp.piece(id).text()).toList();
            assertEquals(c.get("pieces"), pieces, label);
            assertEquals(c.get("decoded"), sp.decode(ids), "decode(encode(text)) of " + label);
            if (c.containsKey("normalized")) {
                assertEquals(c.get("normalized"), sp.normalize(text), "normalize of " + label);
            }
            checked += ids.length;
        }
        assertTrue(checked > 3000, "the few-KB text alone gives thousands of ids: " + checked);
    }

    @Test
    void theLongTestTextHitsByteFallbackAndCollapsesWhitespace() {
        SentencePieceModel sp = SentencePieceModel.parse(PythonReference.modelBytes(PythonReference.GOLF_MODEL));
        String text = PythonReference.longText();
        int[] ids = sp.encode(text);
        long bytePieces = Arrays.stream(ids).filter(sp::isByte).count();
        assertTrue(bytePieces > 200, "CJK, emoji and digits fall back to bytes: " + bytePieces);
        assertTrue(text.length() > 4000);
        assertTrue(sp.normalize(text).indexOf("\u2581\u2581") < 0, "nmt_nfkc with remove_extra_whitespaces leaves no double space");
    }

    /** Every chapter of the demo corpus: token count and CRC-32 of the ids equal Python's. */
    @Test
    void everyDemoChapterMatchesPythonsCountAndChecksum() throws IOException {
        SentencePieceModel sp = SentencePieceModel.parse(PythonReference.modelBytes(PythonReference.GOLF_MODEL));
        List<String> chapters = chapters();
        List<String[]> expected = new ArrayList<>();
        try (InputStream in = PythonReference.class.getResourceAsStream("/sentencepiece/sp1024_chapters.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.lines().filter(l -> !l.startsWith("#")).forEach(l -> expected.add(l.split("\t")));
        }
        assertEquals(DemoCorpus.DOCUMENTS, chapters.size());
        assertEquals(chapters.size(), expected.size());
        long total = 0;
        for (int i = 0; i < chapters.size(); i++) {
            int[] ids = sp.encode(chapters.get(i));
            ByteBuffer b = ByteBuffer.allocate(4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(ids);
            CRC32 crc = new CRC32();
            crc.update(b.array());
            assertEquals(Integer.parseInt(expected.get(i)[1]), ids.length, "token count of chapter " + i);
            assertEquals(expected.get(i)[2], String.format("%08x", crc.getValue()), "ids of chapter " + i);
            total += ids.length;
        }
        assertTrue(total > 1_000_000, "the whole corpus: " + total + " tokens");
    }

    /** Chapters as the Python script cut them: split at blank lines, stripped, empty ones dropped. */
    static List<String> chapters() throws IOException {
        String text;
        try (InputStream in = new GZIPInputStream(DemoCorpus.open())) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> out = new ArrayList<>();
        for (String c : text.split("\n\n", -1)) {
            if (!c.strip().isEmpty()) {
                out.add(c.strip());
            }
        }
        return out;
    }

    private static String abbreviate(String text) {
        String t = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return "'" + t.replace("\n", "\\n") + "'";
    }
}
