package dev.baton.runtime.tokenizer.sentencepiece;

import java.util.Arrays;

/**
 * Text normalisation as sentencepiece applies it before segmentation: user-defined symbols pass
 * untouched, every other position takes the longest rule of the compiled character map (e.g.
 * {@code nmt_nfkc}: NFKC plus folding of control and space characters) or else one character as it
 * is (a malformed byte becomes U+FFFD); with {@code remove_extra_whitespaces} leading, trailing and
 * repeated spaces go; a dummy space may be prefixed; spaces become U+2581 when
 * {@code escape_whitespaces} is set. Works on UTF-8 bytes because the rules are byte-keyed.
 */
final class Normalizer {
    private static final byte[] SPACE_SYMBOL = {(byte) 0xE2, (byte) 0x96, (byte) 0x81};
    private static final byte[] SPACE = {' '};

    private final NormalizerSpec spec;
    private final boolean whitespaceAsSuffix;
    private final CharsMap rules;
    private final PrefixMatcher userSymbols;

    /** @param userSymbols null when the model has no user-defined symbols */
    Normalizer(NormalizerSpec spec, boolean whitespaceAsSuffix, PrefixMatcher userSymbols) {
        this.spec = spec;
        this.whitespaceAsSuffix = whitespaceAsSuffix;
        this.rules = spec.precompiledCharsmap().length == 0 ? null : CharsMap.parse(spec.precompiledCharsmap());
        this.userSymbols = userSymbols;
    }

    /** The normalised form of the UTF-8 text {@code input}. */
    byte[] normalize(byte[] input) {
        int pos = 0;
        int end = input.length;
        Prefix p = new Prefix();
        if (spec.removeExtraWhitespaces()) {
            while (pos < end) {
                prefix(input, pos, end, p);
                if (!(p.length == 1 && p.source[p.offset] == ' ')) {
                    break;
                }
                pos += p.consumed;
            }
        }
        if (pos == end) {
            return new byte[0];
        }
        Out out = new Out(input.length * 3);
        byte[] space = spec.escapeWhitespaces() ? SPACE_SYMBOL : SPACE;
        if (!whitespaceAsSuffix && spec.addDummyPrefix()) {
            out.append(space, 0, space.length);
        }
        boolean prevSpace = spec.removeExtraWhitespaces();
        while (pos < end) {
            prefix(input, pos, end, p);
            int from = p.offset;
            int to = p.offset + p.length;
            while (prevSpace && from < to && p.source[from] == ' ') {
                from++; // a space right after a space is dropped
            }
            if (from < to) {
                for (int i = from; i < to; i++) {
                    byte b = p.source[i];
                    if (b == ' ' && spec.escapeWhitespaces()) {
                        out.append(SPACE_SYMBOL, 0, SPACE_SYMBOL.length);
                    } else {
                        out.append(b);
                    }
                }
                prevSpace = p.source[to - 1] == ' ';
            }
            pos += p.consumed;
            if (!spec.removeExtraWhitespaces()) {
                prevSpace = false;
            }
        }
        if (spec.removeExtraWhitespaces()) {
            while (out.endsWith(space)) {
                out.size -= space.length;
            }
        }
        if (whitespaceAsSuffix && spec.addDummyPrefix()) {
            out.append(space, 0, space.length);
        }
        return out.toArray();
    }

    /** The normalised piece at {@code input[pos]} and how many input bytes it stands for. */
    private void prefix(byte[] input, int pos, int end, Prefix p) {
        if (userSymbols != null) {
            int symbol = userSymbols.longestSymbol(input, pos, end);
            if (symbol > 0) {
                p.set(input, pos, symbol, symbol);
                return;
            }
        }
        long match = rules == null ? -1 : rules.longestMatch(input, pos, end);
        if (match >= 0) {
            int offset = (int) match;
            p.set(rules.replacements(), offset, rules.replacementLength(offset), (int) (match >>> 32));
            return;
        }
        int length = Utf8.validCharLength(input, pos, end);
        if (length < 0) {
            p.set(Utf8.REPLACEMENT, 0, Utf8.REPLACEMENT.length, 1);
        } else {
            p.set(input, pos, length, length);
        }
    }

    /** A slice of bytes (input, rule replacement or U+FFFD) plus the input bytes it consumed; reused per call. */
    private static final class Prefix {
        byte[] source;
        int offset;
        int length;
        int consumed;

        void set(byte[] source, int offset, int length, int consumed) {
            this.source = source;
            this.offset = offset;
            this.length = length;
            this.consumed = consumed;
        }
    }

    /** A growable byte buffer without synchronisation. */
    private static final class Out {
        byte[] bytes;
        int size;

        Out(int capacity) {
            bytes = new byte[Math.max(16, capacity)];
        }

        void append(byte b) {
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[size++] = b;
        }

        void append(byte[] b, int from, int length) {
            for (int i = 0; i < length; i++) {
                append(b[from + i]);
            }
        }

        boolean endsWith(byte[] suffix) {
            if (size < suffix.length) {
                return false;
            }
            for (int i = 0; i < suffix.length; i++) {
                if (bytes[size - suffix.length + i] != suffix[i]) {
                    return false;
                }
            }
            return true;
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, size);
        }
    }
}
