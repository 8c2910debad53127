package dev.baton.kernels.tensor;

/**
 * bfloat16 on the host: the upper 16 bits of an fp32, rounded to nearest even as the GPU's
 * {@code __float2bfloat16_rn} and torch's {@code .bfloat16()} do. Used to stage uploads and
 * downloads of bf16 tensors and to build bf16-exact test inputs.
 */
public final class Bf16 {
    private Bf16() {
    }

    /** The bf16 bits nearest to {@code f} (ties to even); NaN stays a quiet NaN. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float toFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** {@code f} rounded to the nearest bf16 value, as an fp32. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }

    public static short[] fromFloats(float[] src) {
        short[] out = new short[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = fromFloat(src[i]);
        }
        return out;
    }

    public static float[] toFloats(short[] src) {
        float[] out = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = toFloat(src[i]);
        }
        return out;
    }
}
