package dev.baton.runtime.golf.bpb;

import dev.baton.runtime.tokenizer.sentencepiece.SentencePieceModel;

import java.nio.charset.StandardCharsets;

/**
 * How many bytes of text each scored token stands for, as parameter golf's
 * {@code build_sentencepiece_luts} defines it, so that bits per byte does not depend on the
 * tokenizer. Per id: {@code baseBytes} (UTF-8 length of the piece without its leading U+2581; 1 for
 * a byte-fallback piece {@code <0xNN>}; 0 for control, unknown and unused pieces), whether the piece
 * has a leading space, and whether it is a boundary (control, unknown, unused, and every id past the
 * tokenizer's vocabulary). A target {@code y} after token {@code x} counts
 * {@code baseBytes[y] + (hasLeadingSpace[y] && !isBoundary[x] ? 1 : 0)}: the space is a byte of the
 * text unless it follows BOS.
 */
public final class ByteTables {
    private static final String SPACE_SYMBOL = "\u2581";

    private final short[] baseBytes;
    private final boolean[] leadingSpace;
    private final boolean[] boundary;

    private ByteTables(short[] baseBytes, boolean[] leadingSpace, boolean[] boundary) {
        this.baseBytes = baseBytes;
        this.leadingSpace = leadingSpace;
        this.boundary = boundary;
    }

    /** The tables of a SentencePiece model, one entry per piece. */
    public static ByteTables of(SentencePieceModel sp) {
        return of(sp, sp.pieceCount());
    }

    /**
     * The tables of a SentencePiece model sized for a model vocabulary of {@code vocabSize} (the
     * larger of the two, like the baseline's {@code table_size}): ids past the pieces are boundaries
     * of 0 bytes.
     */
    public static ByteTables of(SentencePieceModel sp, int vocabSize) {
        int size = Math.max(sp.pieceCount(), vocabSize);
        short[] base = new short[size];
        boolean[] lead = new boolean[size];
        boolean[] bound = new boolean[size];
        java.util.Arrays.fill(bound, true);
        for (int id = 0; id < sp.pieceCount(); id++) {
            if (sp.isControl(id) || sp.isUnknown(id) || sp.isUnused(id)) {
                continue;
            }
            bound[id] = false;
            if (sp.isByte(id)) {
                base[id] = 1;
                continue;
            }
            String piece = sp.piece(id).text();
            if (piece.startsWith(SPACE_SYMBOL)) {
                lead[id] = true;
                piece = piece.substring(SPACE_SYMBOL.length());
            }
            base[id] = (short) piece.getBytes(StandardCharsets.UTF_8).length;
        }
        return new ByteTables(base, lead, bound);
    }

    /**
     * The tables of the pure-byte vocabulary ({@code byte260}: pad 0, bos 1, eos 2, unk 3, byte b as
     * 4 + b): a byte token is one byte, the four specials are boundaries of none.
     */
    public static ByteTables byte260() {
        int size = 260;
        short[] base = new short[size];
        boolean[] bound = new boolean[size];
        for (int id = 0; id < size; id++) {
            bound[id] = id < 4;
            base[id] = (short) (id < 4 ? 0 : 1);
        }
        return new ByteTables(base, new boolean[size], bound);
    }

    /** Number of ids covered. */
    public int size() {
        return baseBytes.length;
    }

    public int baseBytes(int id) {
        return baseBytes[check(id)];
    }

    public boolean hasLeadingSpace(int id) {
        return leadingSpace[check(id)];
    }

    public boolean isBoundary(int id) {
        return boundary[check(id)];
    }

    /** Bytes that {@code target} counts when it follows {@code previous}. */
    public int bytes(int previous, int target) {
        return baseBytes[check(target)] + (leadingSpace[target] && !boundary[check(previous)] ? 1 : 0);
    }

    /** Sum over {@code i} of {@code bytes(previous[i], targets[i])}. */
    public long bytes(int[] previous, int[] targets) {
        if (previous.length != targets.length) {
            throw new IllegalArgumentException(previous.length + " previous tokens for " + targets.length + " targets");
        }
        long total = 0;
        for (int i = 0; i < targets.length; i++) {
            total += bytes(previous[i], targets[i]);
        }
        return total;
    }

    /** Bytes of the targets {@code tokens[from + 1 .. to]}, each after the token before it. */
    public long bytesOfTargets(int[] tokens, int from, int to) {
        long total = 0;
        for (int i = from + 1; i <= to; i++) {
            total += bytes(tokens[i - 1], tokens[i]);
        }
        return total;
    }

    private int check(int id) {
        if (id < 0 || id >= baseBytes.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the byte tables [0, " + baseBytes.length + ")");
        }
        return id;
    }
}
