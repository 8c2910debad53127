package dev.baton.runtime.model;

import java.nio.charset.StandardCharsets;

/**
 * The counter-based generator shared with the PyTorch reference (PORTABLE-INIT.md): every value
 * is a pure function of (seed, parameter name, flat index), so Java and Python start from
 * bit-identical weights without shipping them. All integer arithmetic is on 64-bit words mod 2^64;
 * the float math is fp64 rounded once to fp32.
 */
public final class PortableInit {
    private final long seed;

    public PortableInit(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** SplitMix64's output function of {@code x} (one step from state {@code x}). */
    public static long splitmix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 64-bit FNV-1a of the UTF-8 bytes of {@code name}. */
    public static long fnv1a64(String name) {
        long h = 0xCBF29CE484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001B3L;
        }
        return h;
    }

    /** The stream key of one named tensor. */
    public long key(String name) {
        return splitmix64(seed ^ fnv1a64(name));
    }

    /** Uniform in [0, 1) with 24 random bits: {@code (splitmix64(key + i) >> 40) · 2^-24}. */
    public static double u(long key, long i) {
        return (splitmix64(key + i) >>> 40) * 0x1.0p-24;
    }

    /** {@code float32((2u − 1) · bound)} at flat index i. */
    public static float uniform(long key, long i, double bound) {
        return (float) ((2.0 * u(key, i) - 1.0) * bound);
    }

    /** Box–Muller from u(2i) and u(2i+1): {@code float32(std · sqrt(−2 ln(1 − u1)) · cos(2π u2))}. */
    public static float normal(long key, long i, double std) {
        double u1 = u(key, 2 * i);
        double u2 = u(key, 2 * i + 1);
        return (float) (std * StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u1)) * StrictMath.cos(2.0 * Math.PI * u2));
    }

    /** Fills {@code dst} with uniform(−bound, bound) by flat index under the tensor's name. */
    public void fillUniform(String name, float[] dst, double bound) {
        long k = key(name);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = uniform(k, i, bound);
        }
    }

    /** Fills {@code dst} with normal(0, std) by flat index under the tensor's name. */
    public void fillNormal(String name, float[] dst, double std) {
        long k = key(name);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = normal(k, i, std);
        }
    }

    /**
     * The golden files' sample of a large tensor: {@code index_j = floor(u(key(seed, "sample/" + name), j)
     * · numel)} for j in [0, count).
     */
    public int[] sampleIndices(String name, long numel, int count) {
        long k = key("sample/" + name);
        int[] idx = new int[count];
        for (int j = 0; j < count; j++) {
            idx[j] = (int) Math.floor(u(k, j) * numel);
        }
        return idx;
    }
}
