package dev.baton.runtime.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file open for reading: an 8-byte little-endian header length, a JSON header
 * ({@code name → {dtype, shape, data_offsets}} plus optional string {@code __metadata__}), then the
 * raw little-endian data. The header is validated when the file is opened, so a corrupt or
 * truncated file fails at once with a message naming it; tensors are read on demand.
 */
public final class SafeTensorsFile implements AutoCloseable {
    /** Header lengths above this are treated as corruption rather than allocated. */
    private static final long MAX_HEADER = 100L << 20;

    /** One tensor's header entry; offsets are relative to the start of the data section. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}; throws {@link CheckpointException} naming the file on any defect. */
    public static SafeTensorsFile open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path + ": no such file; check the path");
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot open (" + e.getMessage() + ")", e);
        }
        try {
            long size = size(ch, path);
            if (size < 8) {
                throw corrupt(path, "truncated: " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = read(ch, 0, 8, path);
            long headerLen = lenBuf.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER) {
                throw corrupt(path, "header length " + headerLen + " is not plausible; not a safetensors file");
            }
            if (8 + headerLen > size) {
                throw corrupt(path, "truncated: the header needs " + headerLen + " bytes but only " + (size - 8)
                        + " follow");
            }
            ByteBuffer hb = read(ch, 8, (int) headerLen, path);
            String json = StandardCharsets.UTF_8.decode(hb).toString();
            Object parsed;
            try {
                parsed = HeaderJson.parse(json);
            } catch (IllegalArgumentException e) {
                throw corrupt(path, "header is not valid JSON (" + e.getMessage() + ")");
            }
            if (!(parsed instanceof Map<?, ?> header)) {
                throw corrupt(path, "header is not a JSON object");
            }
            long dataSize = size - 8 - headerLen;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : header.entrySet()) {
                String name = (String) e.getKey();
                if (name.equals("__metadata__")) {
                    if (!(e.getValue() instanceof Map<?, ?> m)) {
                        throw corrupt(path, "__metadata__ is not an object");
                    }
                    m.forEach((k, v) -> metadata.put((String) k, String.valueOf(v)));
                    continue;
                }
                entries.put(name, entry(path, name, e.getValue(), dataSize));
            }
            return new SafeTensorsFile(path, ch, 8 + headerLen, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(metadata));
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static Entry entry(Path path, String name, Object value, long dataSize) {
        if (!(value instanceof Map<?, ?> m) || !(m.get("dtype") instanceof String dtype)
                || !(m.get("shape") instanceof List<?> shapeList) || !(m.get("data_offsets") instanceof List<?> offs)
                || offs.size() != 2 || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw corrupt(path, "entry " + name + " lacks dtype, shape or data_offsets");
        }
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw corrupt(path, "entry " + name + " has an invalid shape " + shapeList);
            }
            shape[i] = (int) (long) d;
            numel *= d;
        }
        if (begin < 0 || end < begin) {
            throw corrupt(path, "entry " + name + " has data_offsets [" + begin + ", " + end + "]");
        }
        if (end > dataSize) {
            throw corrupt(path, "truncated: tensor " + name + " ends at byte " + end + " of the data but only "
                    + dataSize + " bytes are present");
        }
        int width = width(dtype);
        if (width > 0 && (end - begin) != numel * width) {
            throw corrupt(path, "tensor " + name + " holds " + (end - begin) + " bytes, but " + dtype
                    + Arrays.toString(shape) + " needs " + numel * width);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Bytes per element of a safetensors dtype, or 0 when unknown. */
    private static int width(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
    }

    public Path path() {
        return path;
    }

    /** The string metadata of the header (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names in header order. */
    public Set<String> names() {
        return entries.keySet();
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(path + ": no tensor named " + name);
        }
        return e;
    }

    /** A floating tensor as fp32 values: F32 as stored, BF16 widened, F64 rounded. */
    public float[] floats(String name) {
        Entry e = entry(name);
        ByteBuffer b = data(e);
        int n = (int) e.numel();
        float[] out = new float[n];
        switch (e.dtype()) {
            case "F32" -> b.asFloatBuffer().get(out);
            case "BF16" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                }
            }
            case "F64" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
            }
            default -> throw new CheckpointException(path + ": tensor " + name + " is " + e.dtype()
                    + ", expected a floating type (F32, BF16, F64)");
        }
        return out;
    }

    /**
     * Rows {@code [start, start + count)} of the leading dimension of an F32 tensor, read without
     * the rest (resharded checkpoints read only the units a rank owns).
     */
    public float[] floatRows(String name, int start, int count) {
        Entry e = entry(name);
        if (!e.dtype().equals("F32")) {
            throw new CheckpointException(path + ": tensor " + name + " is " + e.dtype() + "; checkpoint state is F32");
        }
        long rows = e.shape().length == 0 ? 1 : e.shape()[0];
        if (start < 0 || count < 0 || start + count > rows) {
            throw new CheckpointException(path + ": rows [" + start + ", " + (start + count) + ") of " + name
                    + " are outside its " + rows + " rows");
        }
        long rowFloats = rows == 0 ? 0 : e.numel() / rows;
        long bytes = 4 * rowFloats * count;
        if (bytes > Integer.MAX_VALUE) {
            throw new CheckpointException(path + ": tensor " + name + " slice is larger than 2 GiB");
        }
        float[] out = new float[(int) (rowFloats * count)];
        read(channel, dataStart + e.begin() + 4 * rowFloats * start, (int) bytes, path).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(out);
        return out;
    }

    /** A floating tensor as fp64 values (F64 or F32). */
    public double[] doubles(String name) {
        Entry e = entry(name);
        ByteBuffer b = data(e);
        int n = (int) e.numel();
        double[] out = new double[n];
        switch (e.dtype()) {
            case "F64" -> b.asDoubleBuffer().get(out);
            case "F32" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getFloat(4 * i);
                }
            }
            default -> throw new CheckpointException(path + ": tensor " + name + " is " + e.dtype()
                    + ", expected F64 or F32");
        }
        return out;
    }

    /** An integer tensor as int values (I32 as stored, I64 range-checked). */
    public int[] ints(String name) {
        Entry e = entry(name);
        ByteBuffer b = data(e);
        int n = (int) e.numel();
        int[] out = new int[n];
        switch (e.dtype()) {
            case "I32" -> b.asIntBuffer().get(out);
            case "I64" -> {
                for (int i = 0; i < n; i++) {
                    long v = b.getLong(8 * i);
                    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                        throw new CheckpointException(path + ": tensor " + name + " value " + v + " exceeds int range");
                    }
                    out[i] = (int) v;
                }
            }
            default -> throw new CheckpointException(path + ": tensor " + name + " is " + e.dtype()
                    + ", expected I32 or I64");
        }
        return out;
    }

    private ByteBuffer data(Entry e) {
        long len = e.end() - e.begin();
        if (len > Integer.MAX_VALUE) {
            throw new CheckpointException(path + ": tensor " + e.name() + " is larger than 2 GiB");
        }
        return read(channel, dataStart + e.begin(), (int) len, path).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer read(FileChannel ch, long at, int len, Path path) {
        ByteBuffer b = ByteBuffer.allocate(len);
        try {
            while (b.hasRemaining()) {
                int r = ch.read(b, at + b.position());
                if (r < 0) {
                    throw corrupt(path, "truncated while reading " + len + " bytes at offset " + at);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(path + ": read failed (" + e.getMessage() + ")", e);
        }
        return b.flip();
    }

    private static CheckpointException corrupt(Path path, String what) {
        return new CheckpointException(path + ": " + what + "; the file is damaged or not a safetensors "
                + "checkpoint, re-create or re-copy it");
    }

    private static long size(FileChannel ch, Path path) {
        try {
            return ch.size();
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot read size (" + e.getMessage() + ")", e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing with a clearer error
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new CheckpointException(path + ": close failed (" + e.getMessage() + ")", e);
        }
    }
}
