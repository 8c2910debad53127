package dev.baton.runtime.tokenizer.sentencepiece;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * sentencepiece's BPE segmentation of a normalised text: start from single characters (or whole
 * user-defined symbols, which never merge), then repeatedly merge the adjacent pair whose joined
 * text is a vocabulary piece with the highest score (leftmost first on ties) until no pair is a
 * piece. A piece of type UNUSED that came out of a merge is split back into the two parts it was
 * merged from. Each resulting piece gets its id; text outside the vocabulary gets the unknown id.
 */
final class BpeSegmenter {
    private final List<Piece> pieces;
    private final PieceTable table;
    private final PrefixMatcher matcher;
    private final boolean hasUnused;

    BpeSegmenter(List<Piece> pieces, PieceTable table, PrefixMatcher matcher) {
        this.pieces = pieces;
        this.table = table;
        this.matcher = matcher;
        this.hasUnused = pieces.stream().anyMatch(p -> p.type() == PieceType.UNUSED);
    }

    Segments segment(byte[] text) {
        Segments out = new Segments();
        int n = text.length;
        if (n == 0) {
            return out;
        }
        // symbols: byte range [start, start + length) of the text, linked to their neighbours
        int[] start = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] frozen = new boolean[n];
        int count = 0;
        for (int pos = 0; pos < n; count++) {
            int symbol = matcher.longestSymbol(text, pos, n);
            int len = symbol > 0 ? symbol : Math.min(n - pos, Utf8.oneCharLength(text[pos]));
            frozen[count] = symbol > 0;
            start[count] = pos;
            length[count] = len;
            prev[count] = count - 1;
            pos += len;
            next[count] = pos < n ? count + 1 : -1;
        }
        Map<Slice, long[]> splits = hasUnused ? new HashMap<>() : null;
        MergeQueue queue = new MergeQueue();
        for (int i = 1; i < count; i++) {
            offer(queue, text, start, length, frozen, i - 1, i, splits);
        }
        while (!queue.isEmpty()) {
            int l = queue.topLeft();
            int r = queue.topRight();
            int size = queue.topSize();
            queue.pop();
            if (length[l] == 0 || length[r] == 0 || length[l] + length[r] != size) {
                continue; // one side merged elsewhere since this candidate was queued
            }
            length[l] = size;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            length[r] = 0;
            if (prev[l] >= 0) {
                offer(queue, text, start, length, frozen, prev[l], l, splits);
            }
            if (next[l] >= 0) {
                offer(queue, text, start, length, frozen, l, next[l], splits);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            emit(text, start[i], length[i], splits, out);
        }
        return out;
    }

    private void offer(MergeQueue queue, byte[] text, int[] start, int[] length, boolean[] frozen, int l, int r,
                       Map<Slice, long[]> splits) {
        if (frozen[l] || frozen[r]) {
            return;
        }
        int size = length[l] + length[r];
        int id = table.mergeable(text, start[l], size);
        if (id < 0) {
            return;
        }
        queue.push(pieces.get(id).score(), l, r, size);
        if (splits != null && pieces.get(id).type() == PieceType.UNUSED) {
            splits.put(new Slice(text, start[l], size), new long[] {start[l], length[l], start[r], length[r]});
        }
    }

    private void emit(byte[] text, int from, int length, Map<Slice, long[]> splits, Segments out) {
        int id = table.pieceToId(text, from, length);
        if (splits != null && pieces.get(id).type() == PieceType.UNUSED) {
            long[] parts = splits.get(new Slice(text, from, length));
            if (parts != null) {
                emit(text, (int) parts[0], (int) parts[1], splits, out);
                emit(text, (int) parts[2], (int) parts[3], splits, out);
                return;
            }
        }
        out.add(from, length, id);
    }

    /** A byte range compared by content: the key of the split-back table for unused pieces. */
    private record Slice(byte[] text, int from, int length) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Slice s && java.util.Arrays.equals(text, from, from + length, s.text, s.from, s.from + s.length);
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (int i = from; i < from + length; i++) {
                h = 31 * h + text[i];
            }
            return h;
        }
    }
}
