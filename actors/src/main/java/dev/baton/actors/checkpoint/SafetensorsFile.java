package dev.baton.actors.checkpoint;

import dev.baton.actors.json.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint shards' file format: standard safetensors (8-byte little-endian header length,
 * JSON header with dtype, shape and data offsets plus string {@code __metadata__}, raw data),
 * fp32 only, so that Python reads every shard. Reading takes row ranges without loading the rest.
 * (The model's full safetensors reader/writer lives in runtime; this one is the minimum the
 * sharded checkpoints need.)
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final long MAX_HEADER = 100L << 20;

    /** A host tensor to write: shape and its fp32 elements in row-major order. */
    public record HostTensor(long[] shape, float[] data) {
        public HostTensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape has " + n + " elements but data has " + data.length);
            }
        }
    }

    private record Entry(long[] shape, long begin, long end) {
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Writes {@code tensors} (in map order) atomically: a temp file in the same folder, then a rename. */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", new LinkedHashMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            long bytes = 4L * e.getValue().data().length;
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("dtype", "F32");
            h.put("shape", e.getValue().shape());
            h.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(e.getKey(), h);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // keep the data 8-byte aligned, as the reference writer does
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length + pad).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(json.length + pad).put(json);
            for (int i = 0; i < pad; i++) {
                head.put((byte) ' ');
            }
            head.flip();
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (HostTensor t : tensors.values()) {
                for (float v : t.data()) {
                    if (!buf.hasRemaining()) {
                        buf.flip();
                        writeFully(ch, buf);
                        buf.clear();
                    }
                    buf.putFloat(v);
                }
            }
            buf.flip();
            writeFully(ch, buf);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Opens a file and validates its header; errors name the file and what is wrong. */
    public static SafetensorsFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long len = lenBuf.flip().getLong();
            if (len <= 0 || len > MAX_HEADER || 8 + len > size) {
                throw new CheckpointException(file + " is not a safetensors file (header length " + len + ", file size " + size + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) len);
            readFully(ch, hb, 8, file);
            Map<String, Object> header;
            try {
                header = Json.parseObject(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file + " has a corrupt safetensors header: " + e.getMessage());
            }
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            long dataStart = 8 + len;
            for (Map.Entry<String, Object> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    ((Map<?, ?>) e.getValue()).forEach((k, v) -> meta.put(String.valueOf(k), String.valueOf(v)));
                    continue;
                }
                Map<?, ?> h = (Map<?, ?>) e.getValue();
                if (!"F32".equals(h.get("dtype"))) {
                    throw new CheckpointException(file + ": tensor '" + e.getKey() + "' has dtype " + h.get("dtype")
                            + "; checkpoint shards hold F32 only");
                }
                List<?> shapeList = (List<?>) h.get("shape");
                long[] shape = new long[shapeList.size()];
                long n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = ((Number) shapeList.get(i)).longValue();
                    n *= shape[i];
                }
                List<?> off = (List<?>) h.get("data_offsets");
                long b = ((Number) off.get(0)).longValue();
                long en = ((Number) off.get(1)).longValue();
                if (en - b != 4 * n || dataStart + en > size) {
                    throw new CheckpointException(file + " is truncated or corrupt at tensor '" + e.getKey() + "'");
                }
                entries.put(e.getKey(), new Entry(shape, b, en));
            }
            // the JSON parser forgets key order: list tensors in file order instead
            Map<String, Entry> ordered = new LinkedHashMap<>();
            entries.entrySet().stream().sorted(java.util.Comparator.comparingLong((Map.Entry<String, Entry> x) -> x.getValue().begin())
                    .thenComparing(Map.Entry::getKey)).forEach(x -> ordered.put(x.getKey(), x.getValue()));
            return new SafetensorsFile(file, ch, dataStart, ordered, Collections.unmodifiableMap(meta));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new CheckpointException(file + " is truncated");
            }
            p += n;
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public List<String> names() {
        return new ArrayList<>(entries.keySet());
    }

    public long[] shape(String name) {
        return entry(name).shape().clone();
    }

    /** Every element of {@code name}. */
    public float[] read(String name) throws IOException {
        Entry e = entry(name);
        long rows = e.shape().length == 0 ? 1 : e.shape()[0];
        return readRows(name, 0, (int) rows);
    }

    /** Rows {@code [start, start + count)} of the leading dimension of {@code name}. */
    public float[] readRows(String name, int start, int count) throws IOException {
        Entry e = entry(name);
        long rows = e.shape().length == 0 ? 1 : e.shape()[0];
        if (start < 0 || count < 0 || start + count > rows) {
            throw new CheckpointException(path + ": rows [" + start + ", " + (start + count) + ") of '" + name
                    + "' are outside its " + rows + " rows");
        }
        long rowFloats = rows == 0 ? 0 : (e.end() - e.begin()) / 4 / rows;
        long n = rowFloats * count;
        if (n > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(path + ": slice of '" + name + "' is too large to read at once");
        }
        ByteBuffer b = ByteBuffer.allocate((int) (4 * n)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, b, dataStart + e.begin() + 4 * rowFloats * start, path);
        b.flip();
        float[] out = new float[(int) n];
        b.asFloatBuffer().get(out);
        return out;
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new CheckpointException(path + " has no tensor '" + name + "'");
        }
        return e;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
