package dev.baton.runtime.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTest {
    @Test
    void byte260MapsBytesToFourPlusByteAndPrefixesBos() {
        Tokenizer t = Tokenizer.named("byte260");
        assertInstanceOf(Byte260Tokenizer.class, t);
        assertEquals(260, t.vocabSize());
        assertEquals(1, t.bosId());
        assertArrayEquals(new int[] {1, 4 + 'H', 4 + 'i'}, t.encodeDocument("Hi"));
        // é is C3 A9 in UTF-8
        assertArrayEquals(new int[] {4 + 0xC3, 4 + 0xA9}, t.encode("é"));
    }

    @Test
    void byte260RoundTripsArbitraryUnicode() {
        Tokenizer t = Tokenizer.named("byte260");
        SplittableRandom random = new SplittableRandom(260);
        for (int trial = 0; trial < 200; trial++) {
            StringBuilder s = new StringBuilder();
            int len = random.nextInt(60);
            for (int i = 0; i < len; i++) {
                int cp;
                do {
                    cp = switch (random.nextInt(4)) {
                        case 0 -> random.nextInt(0x80);
                        case 1 -> random.nextInt(0x800);
                        case 2 -> random.nextInt(0x10000);
                        default -> 0x10000 + random.nextInt(0x100000);
                    };
                } while (cp >= 0xD800 && cp <= 0xDFFF); // lone surrogates are not text
                s.appendCodePoint(cp);
            }
            int[] ids = t.encode(s.toString());
            for (int id : ids) {
                assertTrue(id >= 4 && id < 260);
            }
            assertEquals(s.toString(), t.decode(ids));
            assertEquals(s.toString(), t.decode(t.encodeDocument(s.toString())), "BOS decodes to nothing");
        }
    }

    @Test
    void byte260DecodesSpecialsAndPaddingIds() {
        Tokenizer t = Tokenizer.named("byte260");
        assertEquals("ab", t.decode(new int[] {0, 1, 4 + 'a', 2, 4 + 'b'}));
        assertEquals("a\uFFFD\uFFFD", t.decode(new int[] {4 + 'a', 3, 300}), "unk and a padded-vocab id");
    }

    @Test
    void gpt2MatchesTiktokenIds() {
        Tokenizer t = Tokenizer.named("gpt2");
        assertEquals(50257, t.vocabSize());
        assertEquals(50256, t.bosId());
        assertArrayEquals(new int[] {15496, 995}, t.encode("Hello world"));
        assertArrayEquals(new int[] {50256, 15496, 995}, t.encodeDocument("Hello world"));
    }

    @Test
    void gpt2RoundTripsEnglishAndTreatsEndOfTextInTextAsOrdinary() {
        Tokenizer t = Tokenizer.named("gpt2");
        String text = "In the beginning God created the heaven and the earth.\nAnd the earth was without form, "
                + "and void; and darkness was upon the face of the deep. <|endoftext|> 1,234 naïve café";
        int[] ids = t.encode(text);
        assertTrue(ids.length < text.length() / 2, "BPE compresses English: " + ids.length);
        for (int id : ids) {
            assertTrue(id >= 0 && id < 50256, "no special token from ordinary text: " + id);
        }
        assertEquals(text, t.decode(ids));
        assertEquals("Hello world", t.decode(new int[] {50256, 15496, 995}));
        assertEquals("Hello\uFFFD", t.decode(new int[] {15496, 50300}), "a padded-vocab id");
    }

    @Test
    void unknownNameListsTheValidOnes() {
        UnknownTokenizerException e = assertThrows(UnknownTokenizerException.class, () -> Tokenizer.named("gtp2"));
        assertEquals("unknown tokenizer 'gtp2'; valid names: gpt2, byte260, sp:FILE.model", e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }
}
