package dev.baton.runtime.tokenizer.sentencepiece;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Byte-string to id lookup over the vocabulary, split as sentencepiece splits it: mergeable pieces
 * (normal, user-defined, unused) that the BPE loop may form, and reserved ones (control, unknown,
 * byte) found only by exact lookup, which takes precedence. Open addressing over the UTF-8 bytes,
 * so that lookups of a slice of the text allocate nothing.
 */
final class PieceTable {
    private final byte[][] bytes;
    private final int[] mergeableSlots;
    private final int[] reservedSlots;
    private final int unkId;

    PieceTable(List<Piece> pieces) {
        bytes = new byte[pieces.size()][];
        int capacity = Integer.highestOneBit(Math.max(4, pieces.size() * 2 - 1)) << 1;
        mergeableSlots = new int[capacity];
        reservedSlots = new int[capacity];
        int unk = -1;
        for (int id = 0; id < pieces.size(); id++) {
            Piece p = pieces.get(id);
            if (p.text().isEmpty()) {
                throw new ModelFormatException("piece " + id + " is empty");
            }
            bytes[id] = p.text().getBytes(StandardCharsets.UTF_8);
            int[] slots = p.type().mergeable() ? mergeableSlots : reservedSlots;
            if (find(slots, bytes[id], 0, bytes[id].length) >= 0) {
                throw new ModelFormatException("piece '" + p.text() + "' is defined twice");
            }
            insert(slots, id);
            if (p.type() == PieceType.UNKNOWN) {
                if (unk >= 0) {
                    throw new ModelFormatException("more than one unknown piece (" + unk + " and " + id + ")");
                }
                unk = id;
            }
        }
        if (unk < 0) {
            throw new ModelFormatException("no unknown piece (<unk>) is defined");
        }
        unkId = unk;
    }

    int unkId() {
        return unkId;
    }

    byte[] bytes(int id) {
        return bytes[id];
    }

    /** The id of a mergeable piece equal to {@code s[from, from + length)}, or {@code -1}. */
    int mergeable(byte[] s, int from, int length) {
        return find(mergeableSlots, s, from, length);
    }

    /** sentencepiece's PieceToId: reserved pieces first, then mergeable ones, else the unknown id. */
    int pieceToId(byte[] s, int from, int length) {
        int id = find(reservedSlots, s, from, length);
        if (id >= 0) {
            return id;
        }
        id = find(mergeableSlots, s, from, length);
        return id >= 0 ? id : unkId;
    }

    private void insert(int[] slots, int id) {
        int mask = slots.length - 1;
        int i = hash(bytes[id], 0, bytes[id].length) & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = id + 1; // 0 marks a free slot
    }

    private int find(int[] slots, byte[] s, int from, int length) {
        int mask = slots.length - 1;
        int i = hash(s, from, length) & mask;
        while (slots[i] != 0) {
            int id = slots[i] - 1;
            if (equal(bytes[id], s, from, length)) {
                return id;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private static int hash(byte[] s, int from, int length) {
        int h = 0x811C9DC5;
        for (int i = from; i < from + length; i++) {
            h = (h ^ (s[i] & 0xFF)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    private static boolean equal(byte[] piece, byte[] s, int from, int length) {
        if (piece.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (piece[i] != s[from + i]) {
                return false;
            }
        }
        return true;
    }
}
