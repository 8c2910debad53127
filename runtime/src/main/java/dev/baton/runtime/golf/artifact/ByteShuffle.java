package dev.baton.runtime.golf.artifact;

/**
 * Byte shuffling before compression: with stride {@code s}, byte {@code i} goes to group
 * {@code i mod s}, and the groups are laid out one after another (all first bytes, then all second
 * bytes...). For little-endian fp16 scales and 2-byte fields with stride 2 that puts the noisy low
 * bytes apart from the repetitive high (sign and exponent) bytes, which an LZ/context-model
 * compressor then codes better, as the golf records do ("BSHF", stride 2). A tail shorter than the
 * stride belongs to the first groups, as with any other position. Stride 1 is the identity.
 */
public final class ByteShuffle {
    private ByteShuffle() {
    }

    public static byte[] shuffle(byte[] in, int stride) {
        check(stride);
        byte[] out = new byte[in.length];
        int o = 0;
        for (int g = 0; g < stride; g++) {
            for (int i = g; i < in.length; i += stride) {
                out[o++] = in[i];
            }
        }
        return out;
    }

    public static byte[] unshuffle(byte[] in, int stride) {
        check(stride);
        byte[] out = new byte[in.length];
        int o = 0;
        for (int g = 0; g < stride; g++) {
            for (int i = g; i < in.length; i += stride) {
                out[i] = in[o++];
            }
        }
        return out;
    }

    private static void check(int stride) {
        if (stride < 1 || stride > 255) {
            throw new IllegalArgumentException("byte-shuffle stride " + stride + " is not in [1, 255]");
        }
    }
}
