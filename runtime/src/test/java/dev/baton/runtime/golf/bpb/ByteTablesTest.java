package dev.baton.runtime.golf.bpb;

import dev.baton.runtime.tokenizer.sentencepiece.PythonReference;
import dev.baton.runtime.tokenizer.sentencepiece.SentencePieceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Byte accounting exactly as the challenge's build_sentencepiece_luts and eval_val define it. */
class ByteTablesTest {
    static final SentencePieceModel GOLF = SentencePieceModel.parse(PythonReference.modelBytes(PythonReference.GOLF_MODEL));
    // ids in the golf model (see sp_cases.json): <pad> 0, <s> 1, </s> 2, <unk> 3, <0xNN> 4 + NN
    static final int BOS = 1;
    static final int UNK = 3;
    static final int AND = 299;        // "And"
    static final int GOD = 390;        // "▁God"
    static final int THE = 262;        // "▁the"
    static final int DIGIT_ONE = 4 + 0x31; // "<0x31>"

    @Test
    void handComputedEntries() {
        ByteTables t = ByteTables.of(GOLF);
        assertEquals("And", GOLF.piece(AND).text());
        assertEquals("\u2581God", GOLF.piece(GOD).text());
        assertEquals(3, t.baseBytes(AND));
        assertFalse(t.hasLeadingSpace(AND));
        assertEquals(3, t.baseBytes(GOD), "the U+2581 (3 UTF-8 bytes) is not part of the base");
        assertTrue(t.hasLeadingSpace(GOD));
        assertEquals(1, t.baseBytes(DIGIT_ONE), "a byte-fallback piece is one byte, not len('<0x31>')");
        assertFalse(t.isBoundary(DIGIT_ONE));
        for (int special : new int[] {0, BOS, 2, UNK}) {
            assertEquals(0, t.baseBytes(special));
            assertTrue(t.isBoundary(special));
        }
    }

    @Test
    void theLeadingSpaceCountsUnlessThePreviousTokenIsABoundary() {
        ByteTables t = ByteTables.of(GOLF);
        assertEquals(4, t.bytes(AND, GOD), "'And' then '▁God': 3 + the space");
        assertEquals(3, t.bytes(BOS, GOD), "a document starting with '▁God' after BOS: no space byte");
        assertEquals(3, t.bytes(UNK, THE), "unknown is a boundary too");
        assertEquals(4, t.bytes(DIGIT_ONE, THE), "a byte piece is not a boundary");
        assertEquals(0, t.bytes(AND, BOS), "BOS itself is scored as a target of 0 bytes");
        // [BOS, And, ▁God, <0x31>, ▁the, BOS, ▁the]: 3 + 4 + 1 + 4 + 0 + 3
        int[] doc = {BOS, AND, GOD, DIGIT_ONE, THE, BOS, THE};
        assertEquals(15, t.bytesOfTargets(doc, 0, doc.length - 1));
        assertEquals(8, t.bytesOfTargets(doc, 0, 3));
    }

    @Test
    void idsPastTheVocabularyAreZeroByteBoundaries() {
        ByteTables t = ByteTables.of(GOLF, 1088); // a model vocabulary padded to a multiple of 64
        assertEquals(1088, t.size());
        assertEquals(0, t.baseBytes(1050));
        assertTrue(t.isBoundary(1050));
        assertEquals(3, t.bytes(1050, GOD));
        assertThrows(IllegalArgumentException.class, () -> t.bytes(AND, 1088));
    }

    @ParameterizedTest
    @ValueSource(strings = {PythonReference.GOLF_MODEL, PythonReference.IDENTITY_MODEL})
    @SuppressWarnings("unchecked")
    void tablesAndCountsEqualPythons(String name) {
        SentencePieceModel sp = SentencePieceModel.parse(PythonReference.modelBytes(name));
        ByteTables t = ByteTables.of(sp);
        Map<String, Object> ref = PythonReference.model(name);
        Map<String, Object> luts = (Map<String, Object>) ref.get("luts");
        int[] base = PythonReference.ints(luts.get("base_bytes"));
        List<Object> lead = (List<Object>) luts.get("has_leading_space");
        List<Object> boundary = (List<Object>) luts.get("is_boundary");
        assertEquals(base.length, t.size());
        for (int id = 0; id < t.size(); id++) {
            assertEquals(base[id], t.baseBytes(id), "base_bytes of " + id);
            assertEquals(lead.get(id), t.hasLeadingSpace(id), "has_leading_space of " + id);
            assertEquals(boundary.get(id), t.isBoundary(id), "is_boundary of " + id);
        }
        for (Map<String, Object> c : PythonReference.cases(name)) {
            int[] ids = PythonReference.ints(c.get("ids"));
            int[] doc = new int[ids.length + 1];
            doc[0] = sp.bosId();
            System.arraycopy(ids, 0, doc, 1, ids.length);
            assertEquals(((Number) c.get("counted_bytes")).longValue(), t.bytesOfTargets(doc, 0, ids.length),
                    "bytes of [BOS] + ids of " + c.get("text"));
        }
    }

    /** With the golf recipe the counted bytes are exactly the UTF-8 bytes of the decoded document. */
    @Test
    void countedBytesAreTheDecodedTextsBytes() {
        ByteTables t = ByteTables.of(GOLF);
        for (Map<String, Object> c : PythonReference.cases(PythonReference.GOLF_MODEL)) {
            int[] doc = GOLF.encode("x" + c.get("text")); // "x": never empty
            int[] withBos = new int[doc.length + 1];
            withBos[0] = BOS;
            System.arraycopy(doc, 0, withBos, 1, doc.length);
            assertEquals(GOLF.decode(doc).getBytes(StandardCharsets.UTF_8).length, t.bytesOfTargets(withBos, 0, doc.length));
        }
    }

    @Test
    void byte260CountsOneBytePerByteToken() {
        ByteTables t = ByteTables.byte260();
        int[] doc = {1, 4 + 'h', 4 + 'i', 4 + 0xC3, 4 + 0xA9, 1, 4 + ' '};
        assertEquals(5, t.bytesOfTargets(doc, 0, doc.length - 1));
        assertTrue(t.isBoundary(1));
        assertEquals(0, t.baseBytes(3));
    }
}
