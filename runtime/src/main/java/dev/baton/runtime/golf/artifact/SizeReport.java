package dev.baton.runtime.golf.artifact;

import java.util.Locale;

/**
 * The golf budget line: compressed weights (the whole artifact file, header included) plus counted
 * code against the challenge's decimal limit of 16,000,000 bytes.
 */
public record SizeReport(Codec codec, long weightsBytes, CodeBytes code) {
    public static final long LIMIT = 16_000_000L;

    public long total() {
        return weightsBytes + code.bytes();
    }

    public boolean fits() {
        return total() <= LIMIT;
    }

    /** One line for the console, e.g. "artifact (xz): 15,815,847 weights + 47,642 code = ... fits". */
    public String describe() {
        long margin = LIMIT - total();
        return String.format(Locale.ROOT, "artifact (%s): %,d bytes compressed weights + %,d bytes code (%s) = %,d bytes"
                        + " of %,d: %s", codec.label(), weightsBytes, code.bytes(), code.description(), total(), LIMIT,
                margin >= 0 ? String.format(Locale.ROOT, "fits, %,d to spare", margin)
                        : String.format(Locale.ROOT, "OVER by %,d", -margin));
    }
}
