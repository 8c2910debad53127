package dev.baton.runtime.golf.artifact;

/**
 * Six-bit codes four to three bytes: int6 values in [-32, 31] are stored as {@code v & 63} and
 * packed little-end first, {@code c0 | c1 << 6 | c2 << 12 | c3 << 18} over three bytes. A tail of
 * fewer than four codes is padded with zeros, so {@code n} codes take {@code 3 * ceil(n / 4)} bytes.
 * Why: a byte per int6 code wastes a quarter of the raw payload, and the compressor does not fully
 * win it back.
 */
public final class BitPack6 {
    private BitPack6() {
    }

    /** Bytes that {@code n} packed codes take. */
    public static int packedLength(int n) {
        return (n + 3) / 4 * 3;
    }

    /** Packs {@code codes} (each in [-32, 31]). */
    public static byte[] pack(byte[] codes) {
        byte[] out = new byte[packedLength(codes.length)];
        int o = 0;
        for (int i = 0; i < codes.length; i += 4) {
            int word = 0;
            for (int k = 0; k < 4; k++) {
                int c = i + k < codes.length ? codes[i + k] : 0;
                if (c < -32 || c > 31) {
                    throw new IllegalArgumentException("code " + c + " at " + (i + k) + " does not fit 6 bits");
                }
                word |= (c & 63) << (6 * k);
            }
            out[o++] = (byte) word;
            out[o++] = (byte) (word >>> 8);
            out[o++] = (byte) (word >>> 16);
        }
        return out;
    }

    /** The {@code n} codes held in {@code packed} from {@code offset}, sign-extended to bytes. */
    public static byte[] unpack(byte[] packed, int offset, int n) {
        if (offset < 0 || offset + packedLength(n) > packed.length) {
            throw new IllegalArgumentException(n + " codes need " + packedLength(n) + " bytes from " + offset + "; "
                    + packed.length + " are present");
        }
        byte[] out = new byte[n];
        int o = offset;
        for (int i = 0; i < n; i += 4) {
            int word = (packed[o] & 0xFF) | (packed[o + 1] & 0xFF) << 8 | (packed[o + 2] & 0xFF) << 16;
            o += 3;
            for (int k = 0; k < 4 && i + k < n; k++) {
                // shift the field to the top, then arithmetic-shift back: sign extension of 6 bits
                out[i + k] = (byte) ((word >>> (6 * k)) << 26 >> 26);
            }
        }
        return out;
    }
}
