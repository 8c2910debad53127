package dev.baton.runtime.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects tensors (F32, F64, I32) and string metadata and writes them as one safetensors file,
 * atomically: the bytes go to a temporary file beside the target, which is then renamed over it, so
 * an existing checkpoint is never left half-written. The data section is 8-byte aligned.
 */
public final class SafeTensorsWriter {
    private record Pending(String name, String dtype, int[] shape, Object data, long bytes) {
    }

    private final List<Pending> tensors = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafeTensorsWriter putFloats(String name, int[] shape, float[] data) {
        return add(name, "F32", shape, data, data.length, 4);
    }

    public SafeTensorsWriter putDoubles(String name, int[] shape, double[] data) {
        return add(name, "F64", shape, data, data.length, 8);
    }

    public SafeTensorsWriter putInts(String name, int[] shape, int[] data) {
        return add(name, "I32", shape, data, data.length, 4);
    }

    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    private SafeTensorsWriter add(String name, String dtype, int[] shape, Object data, int length, int width) {
        long numel = 1;
        for (int d : shape) {
            numel *= d;
        }
        if (numel != length) {
            throw new IllegalArgumentException("tensor " + name + ": " + length + " values for shape "
                    + Arrays.toString(shape));
        }
        if (name.equals("__metadata__") || tensors.stream().anyMatch(t -> t.name.equals(name))) {
            throw new IllegalArgumentException("tensor name " + name + " is reserved or repeated");
        }
        tensors.add(new Pending(name, dtype, shape.clone(), data, (long) length * width));
        return this;
    }

    /** Writes the file atomically (temporary file + rename); throws {@link CheckpointException} naming it. */
    public void write(Path path) {
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] header = header();
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                for (Pending t : tensors) {
                    writeData(ch, t);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new CheckpointException(path + ": cannot write checkpoint (" + e.getMessage()
                    + "); check the directory exists, is writable and has space", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original error is the one to report
                }
            }
        }
    }

    private byte[] header() {
        StringBuilder b = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            b.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                b.append(first ? "" : ",").append(HeaderJson.quote(e.getKey())).append(':')
                        .append(HeaderJson.quote(e.getValue()));
                first = false;
            }
            b.append('}');
        }
        long offset = 0;
        for (Pending t : tensors) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(HeaderJson.quote(t.name)).append(":{\"dtype\":\"").append(t.dtype).append("\",\"shape\":[");
            for (int i = 0; i < t.shape.length; i++) {
                b.append(i == 0 ? "" : ",").append(t.shape[i]);
            }
            b.append("],\"data_offsets\":[").append(offset).append(',').append(offset + t.bytes).append("]}");
            offset += t.bytes;
        }
        b.append('}');
        byte[] raw = b.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (raw.length + 7) / 8 * 8;   // data starts 8-byte aligned, padding is spaces
        byte[] out = Arrays.copyOf(raw, padded);
        Arrays.fill(out, raw.length, padded, (byte) ' ');
        return out;
    }

    private static void writeData(FileChannel ch, Pending t) throws IOException {
        int chunk = 1 << 16;
        ByteBuffer buf = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        if (t.data instanceof float[] f) {
            for (int i = 0; i < f.length; i += chunk) {
                buf.clear();
                buf.asFloatBuffer().put(f, i, Math.min(chunk, f.length - i));
                buf.limit(Math.min(chunk, f.length - i) * 4);
                writeFully(ch, buf);
            }
        } else if (t.data instanceof double[] d) {
            for (int i = 0; i < d.length; i += chunk) {
                buf.clear();
                buf.asDoubleBuffer().put(d, i, Math.min(chunk, d.length - i));
                buf.limit(Math.min(chunk, d.length - i) * 8);
                writeFully(ch, buf);
            }
        } else {
            int[] v = (int[]) t.data;
            for (int i = 0; i < v.length; i += chunk) {
                buf.clear();
                buf.asIntBuffer().put(v, i, Math.min(chunk, v.length - i));
                buf.limit(Math.min(chunk, v.length - i) * 4);
                writeFully(ch, buf);
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
