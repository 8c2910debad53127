package dev.baton.runtime.tokenizer.sentencepiece;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Longest-prefix matching against the model's user-defined symbols, which are never split or
 * normalised. Without such symbols every match is one UTF-8 character and nothing is "found".
 */
final class PrefixMatcher {
    private final byte[][][] byFirstByte = new byte[256][][];

    PrefixMatcher(Collection<String> symbols) {
        List<List<byte[]>> lists = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            lists.add(new ArrayList<>());
        }
        for (String s : symbols) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > 0) {
                lists.get(b[0] & 0xFF).add(b);
            }
        }
        for (int i = 0; i < 256; i++) {
            byFirstByte[i] = lists.get(i).isEmpty() ? null : lists.get(i).toArray(new byte[0][]);
        }
    }

    /** The length of the longest symbol at {@code s[pos, end)}, or {@code -1} when none matches. */
    int longestSymbol(byte[] s, int pos, int end) {
        byte[][] candidates = byFirstByte[s[pos] & 0xFF];
        if (candidates == null) {
            return -1;
        }
        int best = -1;
        for (byte[] c : candidates) {
            if (c.length > best && c.length <= end - pos && startsWith(s, pos, c)) {
                best = c.length;
            }
        }
        return best;
    }

    /** As sentencepiece's PrefixMatcher: a symbol's length, else one (lead-byte announced) character. */
    int matchLength(byte[] s, int pos, int end) {
        int symbol = longestSymbol(s, pos, end);
        return symbol > 0 ? symbol : Math.min(end - pos, Utf8.oneCharLength(s[pos]));
    }

    private static boolean startsWith(byte[] s, int pos, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (s[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
