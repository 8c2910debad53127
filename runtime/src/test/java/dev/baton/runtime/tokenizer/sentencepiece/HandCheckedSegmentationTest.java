package dev.baton.runtime.tokenizer.sentencepiece;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The BPE rules on tiny synthetic models whose answers are worked out by hand. */
class HandCheckedSegmentationTest {
    // ids: <unk> 0, <s> 1, </s> 2, then the pieces in the order added

    @Test
    void equalScoresMergeLeftmostFirst() {
        SentencePieceModel sp = ModelBuilder.bpe().piece("a", -10, PieceType.NORMAL)
                .piece("aa", -1, PieceType.NORMAL).model();
        // "aaa": pairs (0,1) and (1,2) both form "aa" with score -1; the left one wins
        assertEquals("aa|a", pieces(sp, "aaa"));
        assertEquals("aa|aa", pieces(sp, "aaaa"));
        assertEquals("aa|aa|a", pieces(sp, "aaaaa"));
    }

    @Test
    void theHigherScoredPairMergesFirst() {
        SentencePieceModel abFirst = letters().piece("ab", -1, PieceType.NORMAL).piece("bc", -2, PieceType.NORMAL).model();
        SentencePieceModel bcFirst = letters().piece("ab", -2, PieceType.NORMAL).piece("bc", -1, PieceType.NORMAL).model();
        assertEquals("ab|c", pieces(abFirst, "abc"));
        assertEquals("a|bc", pieces(bcFirst, "abc"));
    }

    @Test
    void mergesChainThroughIntermediatePieces() {
        SentencePieceModel sp = ModelBuilder.bpe().piece("t", -9, PieceType.NORMAL).piece("h", -9, PieceType.NORMAL)
                .piece("e", -9, PieceType.NORMAL).piece("\u2581", -9, PieceType.NORMAL)
                .piece("th", -1, PieceType.NORMAL).piece("the", -2, PieceType.NORMAL)
                .piece("\u2581the", -3, PieceType.NORMAL).model();
        assertEquals("the|\u2581the|\u2581the", pieces(sp, "the the   the"),
                "remove_extra_whitespaces collapses the run of spaces, escape turns it into U+2581");
        assertEquals("the the the", sp.decode(sp.encode("the the   the")));
    }

    @Test
    void withoutByteFallbackARunOfUnknownCharactersIsOneUnknownId() {
        SentencePieceModel sp = ModelBuilder.bpe().piece("a", -1, PieceType.NORMAL).model();
        assertArrayEquals(new int[] {3, 0, 3}, sp.encode("axyza"));
        assertEquals("a \u2047 a", sp.decode(sp.encode("axyza")), "the default unk_surface");
    }

    @Test
    void withByteFallbackUnknownCharactersBecomeTheirUtf8Bytes() {
        SentencePieceModel sp = ModelBuilder.bpe().piece("a", -1, PieceType.NORMAL).bytePieces().model();
        // byte pieces follow <unk> <s> </s> a: <0xNN> has id 4 + NN
        assertArrayEquals(new int[] {3, 4 + 0xC3, 4 + 0xA9, 3}, sp.encode("a\u00e9a"));
        assertEquals("a\u00e9a", sp.decode(sp.encode("a\u00e9a")));
        assertEquals("a\uFFFDa", sp.decode(new int[] {3, 4 + 0xC3, 3}), "a lone lead byte decodes to U+FFFD");
    }

    @Test
    void userDefinedSymbolsAreNeitherSplitNorMerged() {
        SentencePieceModel sp = ModelBuilder.bpe().piece("<sep>", 0, PieceType.USER_DEFINED)
                .piece("a", -5, PieceType.NORMAL).piece("b", -5, PieceType.NORMAL)
                .piece("a<", -1, PieceType.NORMAL).model();
        assertEquals("a|<sep>|b", pieces(sp, "a<sep>b"), "the symbol is frozen, so \"a<\" cannot form");
    }

    @Test
    void anUnusedPieceIsSplitBackIntoItsParts() {
        SentencePieceModel sp = ModelBuilder.bpe().piece("a", -5, PieceType.NORMAL).piece("b", -5, PieceType.NORMAL)
                .piece("ab", -1, PieceType.UNUSED).model();
        assertArrayEquals(new int[] {3, 4}, sp.encode("ab"));
    }

    @Test
    void controlPiecesDecodeToNothingAndPaddingIdsToReplacement() {
        SentencePieceModel sp = ModelBuilder.bpe().piece("a", -1, PieceType.NORMAL).model();
        assertEquals("aa", sp.decode(new int[] {1, 3, 2, 3}));
        assertEquals("a\uFFFDa", sp.decode(new int[] {3, 1000, 3}));
    }

    @Test
    void aDummyPrefixIsAddedOnEncodeAndDroppedOnDecode() {
        SentencePieceModel sp = ModelBuilder.bpe().normalizerVarint(3, 1).normalizerVarint(4, 0)
                .piece("\u2581", -9, PieceType.NORMAL).piece("a", -9, PieceType.NORMAL)
                .piece("\u2581a", -1, PieceType.NORMAL).model();
        assertEquals("\u2581a|\u2581|\u2581a", pieces(sp, "a  a"), "extra whitespace kept when remove_extra_whitespaces=false");
        assertEquals("a  a", sp.decode(sp.encode("a  a")));
    }

    private static ModelBuilder letters() {
        return ModelBuilder.bpe().piece("a", -10, PieceType.NORMAL).piece("b", -10, PieceType.NORMAL)
                .piece("c", -10, PieceType.NORMAL);
    }

    private static String pieces(SentencePieceModel sp, String text) {
        return String.join("|", Arrays.stream(sp.encode(text)).mapToObj(id -> sp.piece(id).text()).toList());
    }
}
