package dev.baton.runtime.golf.artifact;

import dev.baton.runtime.tensor.DType;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The artifact's uncompressed body: the stored tensors one after another, little-endian.
 * <pre>
 *   u32 count
 *   per tensor: u16 name length, name (UTF-8), u8 form, u8 dtype, u8 rank, u32 dims[rank], data
 *   form 0 fp32:            numel x f32
 *   form 1 fp16:            numel x u16 (fp16 bits)
 *   form 2 int8 per row:    rows x u16 (fp16 scales), then numel x i8
 *   form 3 int8 per tensor: f32 scale, then numel x i8
 *   form 4 int6 per row:    rows x u16 (fp16 scales), then 3 * ceil(numel / 4) bytes ({@link BitPack6})
 *   dtype: 0 F32, 1 BF16, 2 F16 (the type the tensor is restored to)
 * </pre>
 * Reading checks every length against the bytes present; a mismatch is a {@link CorruptPayload}.
 */
final class TensorPayload {
    private static final DType[] DTYPES = {DType.F32, DType.BF16, DType.F16};

    private TensorPayload() {
    }

    static byte[] write(List<StoredTensor> tensors) {
        long size = 4;
        for (StoredTensor t : tensors) {
            size += 2 + t.name().getBytes(StandardCharsets.UTF_8).length + 3 + 4L * t.shape().length + t.dataBytes();
        }
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("the model state is too large for one artifact (" + size + " bytes)");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(tensors.size());
        for (StoredTensor t : tensors) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            if (name.length > 0xFFFF) {
                throw new IllegalArgumentException("tensor name longer than 65535 bytes: " + t.name());
            }
            out.putShort((short) name.length).put(name);
            out.put((byte) form(t)).put((byte) dtypeCode(t.dtype())).put((byte) t.shape().length);
            for (int d : t.shape()) {
                out.putInt(d);
            }
            if (t instanceof StoredTensor.Fp32 f) {
                out.asFloatBuffer().put(f.values());
                out.position(out.position() + 4 * f.values().length);
            } else if (t instanceof StoredTensor.Fp16 h) {
                out.asShortBuffer().put(h.halves());
                out.position(out.position() + 2 * h.halves().length);
            } else if (t instanceof StoredTensor.Int8PerRow r) {
                out.asShortBuffer().put(r.scales());
                out.position(out.position() + 2 * r.scales().length);
                out.put(r.q());
            } else if (t instanceof StoredTensor.Int6PerRow r) {
                out.asShortBuffer().put(r.scales());
                out.position(out.position() + 2 * r.scales().length);
                out.put(BitPack6.pack(r.q()));
            } else if (t instanceof StoredTensor.Int8PerTensor p) {
                out.putFloat(p.scale()).put(p.q());
            }
        }
        return out.array();
    }

    static List<StoredTensor> read(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int count = in.getInt();
            if (count < 0 || count > body.length / 6) {
                throw new CorruptPayload("tensor count " + count + " does not fit " + body.length + " bytes");
            }
            List<StoredTensor> out = new ArrayList<>(count);
            Set<String> names = new HashSet<>();
            for (int i = 0; i < count; i++) {
                StoredTensor t = readOne(in);
                if (!names.add(t.name())) {
                    throw new CorruptPayload("tensor " + t.name() + " appears twice");
                }
                out.add(t);
            }
            if (in.hasRemaining()) {
                throw new CorruptPayload(in.remaining() + " bytes follow the last tensor");
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new CorruptPayload("a tensor runs past the end of the payload");
        }
    }

    private static StoredTensor readOne(ByteBuffer in) {
        byte[] nameBytes = new byte[in.getShort() & 0xFFFF];
        in.get(nameBytes);
        String name = new String(nameBytes, StandardCharsets.UTF_8);
        int form = in.get();
        int dtypeCode = in.get();
        int rank = in.get();
        if (dtypeCode < 0 || dtypeCode >= DTYPES.length || rank < 0 || rank > 8) {
            throw new CorruptPayload("tensor " + name + " has dtype code " + dtypeCode + " and rank " + rank);
        }
        int[] shape = new int[rank];
        long numel = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = in.getInt();
            numel *= shape[d];
            // the densest form (int6) takes 3 bytes per 4 values; a larger shape cannot fit
            if (shape[d] < 0 || numel > 2L * in.remaining() + 4) {
                throw new CorruptPayload("tensor " + name + " has a shape larger than the payload");
            }
        }
        int n = (int) numel;
        DType dtype = DTYPES[dtypeCode];
        switch (form) {
            case 0 -> {
                float[] v = new float[n];
                in.asFloatBuffer().get(v);
                in.position(in.position() + 4 * n);
                return new StoredTensor.Fp32(name, shape, dtype, v);
            }
            case 1 -> {
                short[] h = new short[n];
                in.asShortBuffer().get(h);
                in.position(in.position() + 2 * n);
                return new StoredTensor.Fp16(name, shape, dtype, h);
            }
            case 2 -> {
                if (rank != 2) {
                    throw new CorruptPayload("per-row tensor " + name + " has rank " + rank);
                }
                short[] scales = new short[shape[0]];
                in.asShortBuffer().get(scales);
                in.position(in.position() + 2 * scales.length);
                byte[] q = new byte[n];
                in.get(q);
                return new StoredTensor.Int8PerRow(name, shape, dtype, q, scales);
            }
            case 3 -> {
                float scale = in.getFloat();
                byte[] q = new byte[n];
                in.get(q);
                return new StoredTensor.Int8PerTensor(name, shape, dtype, q, scale);
            }
            case 4 -> {
                if (rank != 2) {
                    throw new CorruptPayload("per-row tensor " + name + " has rank " + rank);
                }
                short[] scales = new short[shape[0]];
                in.asShortBuffer().get(scales);
                in.position(in.position() + 2 * scales.length);
                int packed = BitPack6.packedLength(n);
                if (packed > in.remaining()) {
                    throw new CorruptPayload("tensor " + name + " runs past the end of the payload");
                }
                byte[] q = BitPack6.unpack(body(in, packed), 0, n);
                return new StoredTensor.Int6PerRow(name, shape, dtype, q, scales);
            }
            default -> throw new CorruptPayload("tensor " + name + " has unknown form " + form);
        }
    }

    private static byte[] body(ByteBuffer in, int length) {
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static int form(StoredTensor t) {
        if (t instanceof StoredTensor.Int6PerRow) {
            return 4;
        }
        if (t instanceof StoredTensor.Fp32) {
            return 0;
        }
        if (t instanceof StoredTensor.Fp16) {
            return 1;
        }
        return t instanceof StoredTensor.Int8PerRow ? 2 : 3;
    }

    private static int dtypeCode(DType dtype) {
        for (int i = 0; i < DTYPES.length; i++) {
            if (DTYPES[i] == dtype) {
                return i;
            }
        }
        throw new IllegalArgumentException("dtype " + dtype + " cannot be stored");
    }

    /** The body does not parse; the artifact facade turns this into its one clear message. */
    static final class CorruptPayload extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptPayload(String message) {
            super(message, null, false, false);
        }
    }
}
