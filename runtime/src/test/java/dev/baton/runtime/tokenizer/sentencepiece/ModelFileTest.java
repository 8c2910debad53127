package dev.baton.runtime.tokenizer.sentencepiece;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading {@code .model} files: the challenge recipe's settings come through; broken files are refused. */
class ModelFileTest {
    @Test
    void theGolfRecipeSettingsAreRead() {
        SentencePieceModel sp = SentencePieceModel.parse(PythonReference.modelBytes(PythonReference.GOLF_MODEL));
        ModelProto proto = sp.proto();
        assertEquals(1024, sp.pieceCount());
        assertEquals(new TrainerSpec(TrainerSpec.BPE, 1024, true, false, 3, 1, 2, 0, " \u2047 "), proto.trainer());
        assertEquals("nmt_nfkc", proto.normalizer().name());
        assertFalse(proto.normalizer().addDummyPrefix());
        assertTrue(proto.normalizer().removeExtraWhitespaces());
        assertTrue(proto.normalizer().escapeWhitespaces());
        assertTrue(proto.normalizer().precompiledCharsmap().length > 100_000, "the compiled NFKC rules");
        assertNull(proto.denormalizer());
        assertEquals(new Piece("<pad>", 0f, PieceType.CONTROL), sp.piece(0));
        assertEquals(PieceType.CONTROL, sp.piece(1).type());
        assertEquals(PieceType.UNKNOWN, sp.piece(3).type());
        assertEquals(3, sp.unkId());
        for (int b = 0; b < 256; b++) {
            assertEquals(String.format("<0x%02X>", b), sp.piece(4 + b).text());
            assertTrue(sp.isByte(4 + b));
        }
        assertTrue(sp.piece(260).score() > sp.piece(261).score(), "merges are scored by their rank");
    }

    @Test
    void aTruncatedFileIsRefused() {
        byte[] bytes = PythonReference.modelBytes(PythonReference.GOLF_MODEL);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SentencePieceModel.parse(Arrays.copyOf(bytes, bytes.length / 2)));
        assertTrue(e.getMessage().startsWith("not a SentencePiece model (protobuf field length"), e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }

    @Test
    void textIsNotAModel() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SentencePieceModel.parse("<unk>\t0\n<s>\t0\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("not a SentencePiece model"), e.getMessage());
    }

    @Test
    void onlyBpeModelsAreAccepted() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelBuilder.bpe().piece("a", 0, PieceType.NORMAL).trainerVarint(3, TrainerSpec.UNIGRAM).model());
        assertEquals("model type UNIGRAM is not supported; only BPE models (model_type=bpe) are", e.getMessage());
    }

    @Test
    void byteFallbackNeedsAll256BytePieces() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelBuilder.bpe().piece("<0x00>", 0, PieceType.BYTE).trainerVarint(35, 1).model());
        assertEquals("byte_fallback is on but byte piece <0x01> is missing", e.getMessage());
        ModelFormatException off = assertThrows(ModelFormatException.class,
                () -> ModelBuilder.bpe().piece("<0x00>", 0, PieceType.BYTE).model());
        assertEquals("byte piece <0x00> found although byte_fallback is off", off.getMessage());
    }

    @Test
    void duplicatePiecesAreRefused() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelBuilder.bpe().piece("a", 0, PieceType.NORMAL).piece("a", -1, PieceType.NORMAL).model());
        assertEquals("piece 'a' is defined twice", e.getMessage());
    }
}
