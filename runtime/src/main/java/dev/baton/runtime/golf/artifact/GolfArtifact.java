package dev.baton.runtime.golf.artifact;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parameter-golf artifact: a model's state quantised as the baseline does
 * ({@link QuantPolicy}) or by GPTQ to int6/int8 (format version 2, {@code golf.quant}), laid out
 * as a {@link TensorPayload}, compressed with a {@link Codec} and preceded by an
 * {@link ArtifactHeader} that records format version, codec, lengths and checksums.
 * Reading refuses any file that is not exactly what was written, with one message that names the
 * file, says what is wrong, and says how to get a good one.
 */
public final class GolfArtifact {
    private GolfArtifact() {
    }

    /** The stored form of every tensor of {@code state}, in order. */
    public static List<StoredTensor> quantize(List<StateTensor> state, QuantPolicy policy) {
        Set<String> names = new HashSet<>();
        List<StoredTensor> out = new ArrayList<>(state.size());
        for (StateTensor t : state) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("the state holds two tensors named " + t.name());
            }
            out.add(policy.store(t));
        }
        return out;
    }

    /** What the model gets back from stored tensors: the dequantised state. */
    public static List<StateTensor> restore(List<StoredTensor> stored) {
        return stored.stream().map(StoredTensor::restore).toList();
    }

    /** The bytes of an artifact file holding {@code stored}, compressed with {@code codec}. */
    public static byte[] encode(List<StoredTensor> stored, Codec codec) {
        if (!codec.available()) {
            throw new IllegalStateException("cannot compress with " + codec.label() + ": " + codec.unavailableReason());
        }
        byte[] raw = TensorPayload.write(stored);
        byte[] payload = codec.compress(raw);
        byte[] head = ArtifactHeader.describe(codec, payload, raw).toBytes();
        byte[] file = new byte[head.length + payload.length];
        System.arraycopy(head, 0, file, 0, head.length);
        System.arraycopy(payload, 0, file, head.length, payload.length);
        return file;
    }

    /**
     * The bytes of a version-2 artifact file: the payload (which may hold bit-packed int6 tensors)
     * byte-shuffled with {@code shuffleStride} (0 = not shuffled), then compressed.
     */
    public static byte[] encode(List<StoredTensor> stored, Codec codec, int shuffleStride) {
        if (!codec.available()) {
            throw new IllegalStateException("cannot compress with " + codec.label() + ": " + codec.unavailableReason());
        }
        if (shuffleStride < 0 || shuffleStride > 255) {
            throw new IllegalArgumentException("byte-shuffle stride " + shuffleStride + " is not in [0, 255]");
        }
        byte[] raw = TensorPayload.write(stored);
        byte[] payload = codec.compress(shuffleStride > 1 ? ByteShuffle.shuffle(raw, shuffleStride) : raw);
        byte[] head = ArtifactHeader.describe(codec, shuffleStride, payload, raw).toBytes();
        byte[] file = new byte[head.length + payload.length];
        System.arraycopy(head, 0, file, 0, head.length);
        System.arraycopy(payload, 0, file, head.length, payload.length);
        return file;
    }

    /** Writes the artifact atomically (temp file, then rename); returns its size in bytes. */
    public static long write(Path file, List<StoredTensor> stored, Codec codec) throws IOException {
        return write(file, encode(stored, codec));
    }

    /** Writes a version-2 artifact ({@link #encode(List, Codec, int)}) atomically; returns its size. */
    public static long write(Path file, List<StoredTensor> stored, Codec codec, int shuffleStride) throws IOException {
        return write(file, encode(stored, codec, shuffleStride));
    }

    private static long write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.write(temp, bytes);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return bytes.length;
    }

    /** Reads and checks an artifact file. */
    public static List<StoredTensor> read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ArtifactException("golf artifact " + file + " does not exist; give the file that "
                    + "`baton export --golf` wrote");
        } catch (IOException e) {
            throw new ArtifactException("cannot read golf artifact " + file + ": " + e.getMessage());
        }
        return decode(bytes, file.toString());
    }

    /** Checks and decodes the bytes of an artifact; {@code source} names it in messages. */
    public static List<StoredTensor> decode(byte[] file, String source) {
        ArtifactHeader head;
        try {
            head = ArtifactHeader.read(file);
        } catch (ArtifactHeader.BadHeader e) {
            throw unusable(source, e.getMessage());
        }
        if (head.version() != ArtifactHeader.VERSION_INT8 && head.version() != ArtifactHeader.VERSION) {
            throw new ArtifactException("golf artifact " + source + " has format version " + head.version()
                    + " and this Baton reads versions " + ArtifactHeader.VERSION_INT8 + " and " + ArtifactHeader.VERSION
                    + "; export it again with this Baton");
        }
        int stride = head.version() == ArtifactHeader.VERSION ? head.shuffleStride() : 0;
        Codec codec = Codec.ofId(head.codecId());
        if (codec == null) {
            throw unusable(source, "it names an unknown codec (id " + head.codecId() + ")");
        }
        if (!codec.available()) {
            throw new ArtifactException("golf artifact " + source + " is compressed with " + codec.label()
                    + ", but " + codec.unavailableReason().replace("use --codec", "export it with --codec"));
        }
        long present = file.length - ArtifactHeader.SIZE;
        if (present < head.payloadLength()) {
            throw unusable(source, "it is truncated: the header announces " + head.payloadLength()
                    + " payload bytes and " + present + " are present");
        }
        if (present > head.payloadLength()) {
            throw unusable(source, (present - head.payloadLength()) + " unexpected bytes follow the payload");
        }
        if (ArtifactHeader.crc(file, ArtifactHeader.SIZE, (int) present) != head.payloadCrc()) {
            throw unusable(source, "it is corrupt: the payload checksum does not match");
        }
        if (head.rawLength() > Integer.MAX_VALUE - 64) {
            throw unusable(source, "its payload length " + head.rawLength() + " is impossible");
        }
        byte[] raw;
        try {
            byte[] payload = java.util.Arrays.copyOfRange(file, ArtifactHeader.SIZE, file.length);
            raw = codec.decompress(payload, (int) head.rawLength());
            if (stride > 1) {
                raw = ByteShuffle.unshuffle(raw, stride);
            }
        } catch (IOException e) {
            throw unusable(source, "its " + codec.label() + " payload does not decompress: " + e.getMessage());
        }
        if (ArtifactHeader.crc(raw, 0, raw.length) != head.rawCrc()) {
            throw unusable(source, "it is corrupt: the decompressed payload checksum does not match");
        }
        try {
            return TensorPayload.read(raw);
        } catch (TensorPayload.CorruptPayload e) {
            throw unusable(source, "it is corrupt: " + e.getMessage());
        }
    }

    private static ArtifactException unusable(String source, String reason) {
        return new ArtifactException("golf artifact " + source + " is unusable: " + reason
                + "; export it again with `baton export --golf`");
    }
}
