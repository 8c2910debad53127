package dev.baton.runtime.golf.artifact;

import dev.baton.runtime.tensor.DType;

/**
 * A state tensor as the artifact stores it, in one of the baseline's four forms
 * ({@code int8_clean_per_row_v1}), each able to give the tensor back: per-row int8 with fp16 scales
 * (large matrices), per-tensor int8 with an fp32 scale (other large tensors), fp16 (small tensors)
 * and fp32 (small control tensors); format version 2 adds per-row int6 (GPTQ), bit-packed four
 * codes to three bytes. {@code dtype} is the type the tensor is restored to.
 */
public sealed interface StoredTensor {
    String name();

    int[] shape();

    DType dtype();

    /** Bytes of tensor data this form holds (values and scales, no names or shapes). */
    long dataBytes();

    /** The tensor as the model gets it back: values times scales, then rounded to {@code dtype}. */
    StateTensor restore();

    /** {@code q[r, c] * fp16(scales[r])} per row of a 2-D tensor. */
    record Int8PerRow(String name, int[] shape, DType dtype, byte[] q, short[] scales) implements StoredTensor {
        @Override
        public long dataBytes() {
            return q.length + 2L * scales.length;
        }

        @Override
        public StateTensor restore() {
            float[] out = new float[q.length];
            int cols = scales.length == 0 ? 0 : q.length / scales.length;
            for (int r = 0; r < scales.length; r++) {
                float s = HalfFloat.fromHalf(scales[r]);
                for (int c = r * cols; c < (r + 1) * cols; c++) {
                    out[c] = round(q[c] * s, dtype);
                }
            }
            return new StateTensor(name, shape, dtype, out);
        }
    }

    /**
     * {@code q[r, c] * fp16(scales[r])} per row, codes in [-32, 31] (GPTQ int6 keeps [-31, 31]); stored
     * bit-packed ({@link BitPack6}), held here one code per byte.
     */
    record Int6PerRow(String name, int[] shape, DType dtype, byte[] q, short[] scales) implements StoredTensor {
        @Override
        public long dataBytes() {
            return BitPack6.packedLength(q.length) + 2L * scales.length;
        }

        @Override
        public StateTensor restore() {
            return new Int8PerRow(name, shape, dtype, q, scales).restore();
        }
    }

    /** {@code q[i] * scale} for a tensor that is not 2-D. */
    record Int8PerTensor(String name, int[] shape, DType dtype, byte[] q, float scale) implements StoredTensor {
        @Override
        public long dataBytes() {
            return q.length + 4L;
        }

        @Override
        public StateTensor restore() {
            float[] out = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                out[i] = round(q[i] * scale, dtype);
            }
            return new StateTensor(name, shape, dtype, out);
        }
    }

    /** fp16 bit patterns, restored to {@code dtype}. */
    record Fp16(String name, int[] shape, DType dtype, short[] halves) implements StoredTensor {
        @Override
        public long dataBytes() {
            return 2L * halves.length;
        }

        @Override
        public StateTensor restore() {
            float[] out = new float[halves.length];
            for (int i = 0; i < halves.length; i++) {
                out[i] = round(HalfFloat.fromHalf(halves[i]), dtype);
            }
            return new StateTensor(name, shape, dtype, out);
        }
    }

    /** fp32 values as they are (restored as F32, as the baseline's {@code t.float()} keeps them). */
    record Fp32(String name, int[] shape, DType dtype, float[] values) implements StoredTensor {
        @Override
        public long dataBytes() {
            return 4L * values.length;
        }

        @Override
        public StateTensor restore() {
            return new StateTensor(name, shape, dtype, values.clone());
        }
    }

    private static float round(float v, DType dtype) {
        return switch (dtype) {
            case BF16 -> HalfFloat.roundToBfloat16(v);
            case F16 -> HalfFloat.roundToHalf(v);
            default -> v;
        };
    }
}
