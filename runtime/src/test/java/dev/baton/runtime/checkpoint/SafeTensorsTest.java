package dev.baton.runtime.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsFloatsDoublesIntsAndMetadata() {
        Path p = dir.resolve("a.safetensors");
        new SafeTensorsWriter()
                .putFloats("w", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f})
                .putDoubles("stats", new int[] {3}, new double[] {1e-300, 2.5, Math.PI})
                .putInts("ids", new int[] {4}, new int[] {0, -1, 50256, Integer.MAX_VALUE})
                .putFloats("scalar", new int[] {}, new float[] {7f})
                .metadata("config", "{\"a\": \"b\\\"c\"}")
                .write(p);
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(java.util.List.of("w", "stats", "ids", "scalar"), new java.util.ArrayList<>(f.names()));
            assertArrayEquals(new int[] {2, 3}, f.entry("w").shape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, f.floats("w"));
            assertArrayEquals(new double[] {1e-300, 2.5, Math.PI}, f.doubles("stats"));
            assertArrayEquals(new int[] {0, -1, 50256, Integer.MAX_VALUE}, f.ints("ids"));
            assertArrayEquals(new float[] {7f}, f.floats("scalar"));
            assertEquals("{\"a\": \"b\\\"c\"}", f.metadata().get("config"));
        }
    }

    /** A file laid out by hand as PyTorch's safetensors writes it: BF16 and I64 with a padded header. */
    @Test
    void readsBf16AndI64() throws IOException {
        String header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[4,20]}}   ";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 20).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        b.putShort((short) (Float.floatToIntBits(1.5f) >>> 16));
        b.putShort((short) (Float.floatToIntBits(-0.15625f) >>> 16));
        b.putLong(3L).putLong(-7L);
        Path p = dir.resolve("torch.safetensors");
        Files.write(p, b.array());
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertArrayEquals(new float[] {1.5f, -0.15625f}, f.floats("b"));
            assertArrayEquals(new int[] {3, -7}, f.ints("i"));
            assertTrue(f.metadata().isEmpty());
        }
    }

    @Test
    void truncatedFileFailsWithItsName() throws IOException {
        Path p = dir.resolve("t.safetensors");
        new SafeTensorsWriter().putFloats("w", new int[] {1000}, new float[1000]).write(p);
        byte[] all = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(all, all.length - 10));
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.write(p, Arrays.copyOf(all, 5));
        assertTrue(assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p)).getMessage()
                .contains("truncated"));
    }

    @Test
    void corruptHeaderFailsWithItsName() throws IOException {
        Path p = dir.resolve("c.safetensors");
        byte[] h = "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], ".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(p, b.array());
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("JSON"), e.getMessage());
        Files.write(p, "not a checkpoint at all, just text".getBytes(StandardCharsets.UTF_8));
        e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());
        CheckpointException missing = assertThrows(CheckpointException.class,
                () -> SafeTensorsFile.open(dir.resolve("none.safetensors")));
        assertTrue(missing.getMessage().contains("no such file"));
    }

    @Test
    void sizeMismatchBetweenShapeAndOffsetsIsCorrupt() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve("s.safetensors");
        Files.write(p, b.array());
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(p));
        assertTrue(e.getMessage().contains("needs 12"), e.getMessage());
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path p = dir.resolve("w.safetensors");
        new SafeTensorsWriter().putFloats("a", new int[] {1}, new float[] {1f}).write(p);
        new SafeTensorsWriter().putFloats("b", new int[] {2}, new float[] {2f, 3f}).write(p);
        try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
            assertEquals(java.util.Set.of("b"), f.names());
        }
        // a failing write (the target is a non-empty directory) leaves the target as it was
        Path blocked = dir.resolve("blocked");
        Files.createDirectories(blocked.resolve("inside"));
        assertThrows(CheckpointException.class,
                () -> new SafeTensorsWriter().putFloats("a", new int[] {1}, new float[] {1f}).write(blocked));
        assertTrue(Files.isDirectory(blocked.resolve("inside")));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }
}
