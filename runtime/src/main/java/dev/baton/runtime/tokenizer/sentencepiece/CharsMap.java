package dev.baton.runtime.tokenizer.sentencepiece;

/**
 * A compiled normalisation rule set ({@code precompiled_charsmap}): a Darts-clone double-array
 * trie over UTF-8 byte sequences whose values point into a block of NUL-terminated replacement
 * strings. Layout: a little-endian uint32 trie size in bytes, the trie's uint32 units, then the
 * replacement block. Lookup is the longest rule that matches at a position, as sentencepiece's
 * normaliser does it (among at most {@value #MAX_RESULTS} matching prefixes, like its fixed buffer).
 */
final class CharsMap {
    static final int MAX_RESULTS = 32;

    private final int[] units;
    private final byte[] replacements;

    private CharsMap(int[] units, byte[] replacements) {
        this.units = units;
        this.replacements = replacements;
    }

    static CharsMap parse(byte[] blob) {
        if (blob.length <= 4) {
            throw new ModelFormatException("normalisation rules are broken (" + blob.length + " bytes)");
        }
        long trieBytes = le32(blob, 0) & 0xFFFFFFFFL;
        if (trieBytes >= blob.length || trieBytes % 4 != 0 || trieBytes + 4 > blob.length || trieBytes == 0) {
            throw new ModelFormatException("normalisation rules are broken (trie of " + trieBytes + " bytes in a "
                    + blob.length + "-byte blob)");
        }
        int[] units = new int[(int) (trieBytes / 4)];
        for (int i = 0; i < units.length; i++) {
            units[i] = le32(blob, 4 + 4 * i);
        }
        byte[] replacements = new byte[blob.length - 4 - (int) trieBytes];
        System.arraycopy(blob, 4 + (int) trieBytes, replacements, 0, replacements.length);
        return new CharsMap(units, replacements);
    }

    /**
     * The longest rule matching {@code input[pos, end)}: {@code (length << 32) | replacementOffset},
     * or {@code -1} when no rule matches.
     */
    long longestMatch(byte[] input, int pos, int end) {
        int nodePos = offset(units[0]);
        long best = -1;
        int found = 0;
        for (int i = pos; i < end; i++) {
            int label = input[i] & 0xFF;
            nodePos ^= label;
            if (nodePos < 0 || nodePos >= units.length) {
                return best;
            }
            int unit = units[nodePos];
            if (label(unit) != label) {
                return best;
            }
            nodePos ^= offset(unit);
            if (hasLeaf(unit)) {
                if (found < MAX_RESULTS && nodePos >= 0 && nodePos < units.length) {
                    best = ((long) (i + 1 - pos) << 32) | value(units[nodePos]);
                }
                found++;
            }
        }
        return best;
    }

    /** The length of the NUL-terminated replacement that starts at {@code offset} in {@link #replacements()}. */
    int replacementLength(int offset) {
        int n = 0;
        while (offset + n < replacements.length && replacements[offset + n] != 0) {
            n++;
        }
        return n;
    }

    byte[] replacements() {
        return replacements; // read-only by convention: owned by this map
    }

    private static boolean hasLeaf(int unit) {
        return ((unit >>> 8) & 1) == 1;
    }

    private static int value(int unit) {
        return unit & 0x7FFFFFFF;
    }

    private static int label(int unit) {
        return unit & (0x80000000 | 0xFF);
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
