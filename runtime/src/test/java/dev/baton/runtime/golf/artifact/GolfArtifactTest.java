package dev.baton.runtime.golf.artifact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The artifact container: exact round trips through every codec, and one clear refusal per kind of damage. */
class GolfArtifactTest {
    /** One block of width 160 with a 512-token embedding (per-row int8), plus a 3-D bank (per-tensor int8). */
    static final List<StateTensor> STATE = Stream.concat(SyntheticState.golf(1, 160, 512, 0.25, 42).stream(),
            Stream.of(SyntheticState.vector("bank", new int[] {2, 180, 200}, 0, 0.3, new SplittableRandom(5)))).toList();
    static final List<StoredTensor> STORED = GolfArtifact.quantize(STATE, QuantPolicy.baseline());
    /** Each codec's file, encoded once (xz -9e and Brotli 11 are slow) and copied by tests that damage it. */
    static final Map<Codec, byte[]> FILES = new EnumMap<>(Codec.class);

    static synchronized byte[] file(Codec codec) {
        return FILES.computeIfAbsent(codec, c -> GolfArtifact.encode(STORED, c)).clone();
    }

    @TempDir
    Path tmp;

    @Test
    void everyCodecGivesBackExactlyTheDequantizedState() {
        assertEquals(List.of(StoredTensor.Fp32.class, StoredTensor.Fp16.class, StoredTensor.Int8PerRow.class,
                        StoredTensor.Int8PerTensor.class),
                Stream.of(StoredTensor.Fp32.class, StoredTensor.Fp16.class, StoredTensor.Int8PerRow.class,
                        StoredTensor.Int8PerTensor.class).filter(k -> STORED.stream().anyMatch(k::isInstance)).toList(),
                "all four stored forms are in the test state");
        List<StateTensor> expected = GolfArtifact.restore(STORED);
        for (Codec codec : Codec.values()) {
            if (!codec.available()) {
                continue; // reported by brotliLoadsHere where it matters
            }
            byte[] file = file(codec);
            List<StateTensor> back = GolfArtifact.restore(GolfArtifact.decode(file, "memory"));
            assertEquals(expected.size(), back.size());
            for (int i = 0; i < expected.size(); i++) {
                StateTensor e = expected.get(i);
                StateTensor b = back.get(i);
                assertEquals(e.name(), b.name(), codec.label());
                assertArrayEquals(e.shape(), b.shape(), e.name());
                assertEquals(e.dtype(), b.dtype(), e.name());
                assertArrayEquals(e.values(), b.values(), codec.label() + " " + e.name()); // bitwise-equal floats
            }
        }
    }

    @Test
    void brotliLoadsHere() {
        assertTrue(Codec.BROTLI.available(), "brotli4j's native library for linux-x86_64: " + Codec.BROTLI.unavailableReason());
    }

    @Test
    void strongerCodecsBeatZlib() {
        int zlib = file(Codec.ZLIB).length;
        int xz = file(Codec.XZ).length;
        assertTrue(xz < zlib, "xz " + xz + " vs zlib " + zlib);
        long raw = STORED.stream().mapToLong(StoredTensor::dataBytes).sum();
        assertTrue(zlib < raw, "zlib " + zlib + " vs " + raw + " raw");
    }

    @Test
    void writesAtomicallyAndReadsBack() throws IOException {
        Path file = tmp.resolve("final_model.int8.ptx");
        long size = GolfArtifact.write(file, STORED, Codec.ZLIB);
        assertEquals(Files.size(file), size);
        List<StoredTensor> back = GolfArtifact.read(file);
        assertEquals(STORED.size(), back.size());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of("final_model.int8.ptx"), files.map(p -> p.getFileName().toString()).toList(),
                    "no temp file left behind");
        }
    }

    @Test
    void aFlippedPayloadByteIsCorrupt() {
        byte[] file = file(Codec.ZLIB);
        file[file.length / 2] ^= 0x10;
        assertRefused(file, "it is corrupt: the payload checksum does not match");
    }

    @Test
    void aShortenedFileIsTruncated() {
        byte[] file = file(Codec.XZ);
        int payload = file.length - ArtifactHeader.SIZE;
        assertRefused(Arrays.copyOf(file, file.length - 100),
                "it is truncated: the header announces " + payload + " payload bytes and " + (payload - 100) + " are present");
        assertRefused(Arrays.copyOf(file, 12), "it is 12 bytes long, shorter than the 40-byte header");
    }

    @Test
    void damageToTheHeaderIsCaught() {
        byte[] file = file(Codec.ZLIB);
        file[20] ^= 1; // inside the payload length
        assertRefused(file, "its header checksum does not match");
    }

    @Test
    void otherFilesAreNotArtifacts() {
        assertRefused("just some text that is long enough to hold a header....".getBytes(StandardCharsets.UTF_8),
                "it does not start with the golf artifact magic (BTNGOLF)");
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] file = file(Codec.ZLIB);
        assertRefused(Arrays.copyOf(file, file.length + 3), "3 unexpected bytes follow the payload");
    }

    /** A payload whose checksums are right but whose layout is not (a writer bug) is refused as corrupt. */
    @Test
    void aMalformedBodyIsCorrupt() {
        byte[] raw = {5, 0, 0, 0};
        byte[] payload = Codec.ZLIB.compress(raw);
        byte[] head = ArtifactHeader.describe(Codec.ZLIB, payload, raw).toBytes();
        byte[] file = new byte[head.length + payload.length];
        System.arraycopy(head, 0, file, 0, head.length);
        System.arraycopy(payload, 0, file, head.length, payload.length);
        assertRefused(file, "it is corrupt: tensor count 5 does not fit 4 bytes");
    }

    @Test
    void aNewerFormatVersionNamesTheFix() {
        byte[] raw = TensorPayload.write(STORED);
        byte[] payload = Codec.ZLIB.compress(raw);
        ArtifactHeader h = ArtifactHeader.describe(Codec.ZLIB, payload, raw);
        byte[] head = new ArtifactHeader(3, h.codecId(), 0, h.payloadLength(), h.payloadCrc(), h.rawLength(), h.rawCrc())
                .toBytes();
        byte[] file = new byte[head.length + payload.length];
        System.arraycopy(head, 0, file, 0, head.length);
        System.arraycopy(payload, 0, file, head.length, payload.length);
        ArtifactException e = assertThrows(ArtifactException.class, () -> GolfArtifact.decode(file, "a.ptx"));
        assertEquals("golf artifact a.ptx has format version 3 and this Baton reads versions 1 and 2; export it "
                + "again with this Baton", e.getMessage());
    }

    @Test
    void aMissingFileIsOneMessage() {
        ArtifactException e = assertThrows(ArtifactException.class, () -> GolfArtifact.read(tmp.resolve("none.ptx")));
        assertEquals("golf artifact " + tmp.resolve("none.ptx") + " does not exist; give the file that "
                + "`baton export --golf` wrote", e.getMessage());
    }

    private static void assertRefused(byte[] file, String reason) {
        ArtifactException e = assertThrows(ArtifactException.class, () -> GolfArtifact.decode(file, "model.ptx"));
        assertEquals("golf artifact model.ptx is unusable: " + reason + "; export it again with `baton export --golf`",
                e.getMessage());
        assertEquals(0, e.getStackTrace().length);
    }
}
