package dev.baton.runtime.tokenizer.sentencepiece;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Ids back to text as sentencepiece decodes them: control pieces vanish, the unknown piece shows
 * the trainer's {@code unk_surface}, runs of byte pieces are joined and read as UTF-8 (each
 * malformed byte becomes U+FFFD), U+2581 becomes a space, and the space of the first visible piece
 * is dropped when the normaliser adds a dummy prefix or removes extra whitespace.
 */
final class PieceDecoder {
    private static final byte[] SPACE_SYMBOL = {(byte) 0xE2, (byte) 0x96, (byte) 0x81};

    private final List<Piece> pieces;
    private final PieceTable table;
    private final byte[] unkSurface;
    private final boolean stripLeadingSpace;
    private final boolean removeExtraWhitespaces;
    private final Normalizer denormalizer;

    /** @param denormalizer null when the model has no denormalisation rules */
    PieceDecoder(List<Piece> pieces, PieceTable table, TrainerSpec trainer, NormalizerSpec normalizer,
                 Normalizer denormalizer) {
        this.pieces = pieces;
        this.table = table;
        this.unkSurface = trainer.unkSurface().getBytes(StandardCharsets.UTF_8);
        this.stripLeadingSpace = normalizer.addDummyPrefix() || normalizer.removeExtraWhitespaces();
        this.removeExtraWhitespaces = normalizer.removeExtraWhitespaces();
        this.denormalizer = denormalizer;
    }

    /** The UTF-8 text of {@code ids}; an id outside the vocabulary reads as U+FFFD. */
    byte[] decode(int[] ids) {
        ByteArrayOutputStream text = new ByteArrayOutputStream(ids.length * 4);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean expectLeadingSpace = true; // still at the start, where a leading U+2581 is consumed
        boolean consumedLeadingSpace = false;
        for (int id : ids) {
            Piece p = id >= 0 && id < pieces.size() ? pieces.get(id) : null;
            if (p != null && p.type() == PieceType.BYTE) {
                bytes.write(byteValue(p.text()));
                continue;
            }
            flushBytes(bytes, text);
            if (consumedLeadingSpace || text.size() > 0) {
                expectLeadingSpace = false;
            }
            consumedLeadingSpace = false;
            if (p == null) {
                text.writeBytes(Utf8.REPLACEMENT);
                continue;
            }
            if (p.type() == PieceType.CONTROL) {
                continue;
            }
            if (p.type() == PieceType.UNKNOWN) {
                text.writeBytes(unkSurface);
                continue;
            }
            byte[] piece = table.bytes(id);
            int from = 0;
            if (expectLeadingSpace && stripLeadingSpace && startsWithSpaceSymbol(piece)) {
                from = SPACE_SYMBOL.length;
                // with remove_extra_whitespaces every leading space goes, so keep expecting one
                consumedLeadingSpace = !removeExtraWhitespaces;
            }
            writeUnescaped(piece, from, text);
        }
        flushBytes(bytes, text);
        byte[] out = text.toByteArray();
        return denormalizer == null ? out : denormalizer.normalize(out);
    }

    /** Reads {@code <0xNN>}. */
    static int byteValue(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        try {
            return Integer.parseInt(piece.substring(3, 5), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void flushBytes(ByteArrayOutputStream bytes, ByteArrayOutputStream text) {
        if (bytes.size() == 0) {
            return;
        }
        byte[] b = bytes.toByteArray();
        int pos = 0;
        while (pos < b.length) {
            int length = Utf8.validCharLength(b, pos, b.length);
            if (length < 0) {
                text.writeBytes(Utf8.REPLACEMENT);
                pos++;
            } else {
                text.write(b, pos, length);
                pos += length;
            }
        }
        bytes.reset();
    }

    private static boolean startsWithSpaceSymbol(byte[] piece) {
        return piece.length >= 3 && piece[0] == SPACE_SYMBOL[0] && piece[1] == SPACE_SYMBOL[1]
                && piece[2] == SPACE_SYMBOL[2];
    }

    private static void writeUnescaped(byte[] piece, int from, ByteArrayOutputStream text) {
        int i = from;
        while (i < piece.length) {
            if (i + 2 < piece.length && piece[i] == SPACE_SYMBOL[0] && piece[i + 1] == SPACE_SYMBOL[1]
                    && piece[i + 2] == SPACE_SYMBOL[2]) {
                text.write(' ');
                i += 3;
            } else {
                text.write(piece[i++]);
            }
        }
    }
}
