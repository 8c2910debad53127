package dev.baton.runtime.tokenizer.sentencepiece;

/** UTF-8 decisions made byte-wise, exactly as sentencepiece's {@code string_util} makes them. */
final class Utf8 {
    /** U+FFFD as UTF-8. */
    static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private Utf8() {
    }

    /** The length of the character a lead byte announces (1 for stray continuation bytes), not checked. */
    static int oneCharLength(byte lead) {
        int hi = (lead & 0xFF) >>> 4;
        return hi < 12 ? 1 : hi < 14 ? 2 : hi == 14 ? 3 : 4;
    }

    /**
     * The length of the well-formed character at {@code s[pos]}, or {@code -1} for a malformed
     * sequence (then one byte is consumed and stands for U+FFFD). An encoded U+FFFD is well formed.
     */
    static int validCharLength(byte[] s, int pos, int end) {
        int b0 = s[pos] & 0xFF;
        int len = end - pos;
        if (b0 < 0x80) {
            return 1;
        }
        if (len >= 2 && (b0 & 0xE0) == 0xC0) {
            int cp = (b0 & 0x1F) << 6 | (s[pos + 1] & 0x3F);
            return trail(s[pos + 1]) && cp >= 0x80 && validCodepoint(cp) ? 2 : -1;
        }
        if (len >= 3 && (b0 & 0xF0) == 0xE0) {
            int cp = (b0 & 0x0F) << 12 | (s[pos + 1] & 0x3F) << 6 | (s[pos + 2] & 0x3F);
            return trail(s[pos + 1]) && trail(s[pos + 2]) && cp >= 0x800 && validCodepoint(cp) ? 3 : -1;
        }
        if (len >= 4 && (b0 & 0xF8) == 0xF0) {
            int cp = (b0 & 0x07) << 18 | (s[pos + 1] & 0x3F) << 12 | (s[pos + 2] & 0x3F) << 6 | (s[pos + 3] & 0x3F);
            return trail(s[pos + 1]) && trail(s[pos + 2]) && trail(s[pos + 3]) && cp >= 0x10000 && validCodepoint(cp)
                    ? 4 : -1;
        }
        return -1;
    }

    private static boolean trail(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static boolean validCodepoint(int cp) {
        return cp < 0xD800 || (cp >= 0xE000 && cp <= 0x10FFFF);
    }
}
