package dev.baton.runtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void tokensSurviveWriteAndReadIncludingUint16Extremes() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        int[] tokens = new int[300_000]; // more than the writer's 1 MiB buffer holds
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = random.nextInt(65536);
        }
        tokens[0] = 0;
        tokens[1] = 65535;
        tokens[2] = 50256;
        Path file = ShardWriter.write(dir.resolve("x_train_000000.bin"), tokens);

        assertEquals(1024 + 2L * tokens.length, Files.size(file));
        ShardReader shard = ShardReader.open(file);
        assertEquals(tokens.length, shard.tokenCount());
        assertArrayEquals(tokens, shard.tokens(0, tokens.length));
        assertEquals(65535, shard.token(1));
        assertEquals(50256, shard.token(2));
        assertArrayEquals(new int[] {tokens[10], tokens[11], tokens[12]}, shard.tokens(10, 13));
    }

    @Test
    void headerIsMagicVersionCountThenZerosLittleEndian() throws IOException {
        Path file = ShardWriter.write(dir.resolve("h.bin"), new int[] {1, 258, 65535});
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(20240520, bytes.getInt(0));
        assertEquals(1, bytes.getInt(4));
        assertEquals(3, bytes.getInt(8));
        for (int i = 3; i < 256; i++) {
            assertEquals(0, bytes.getInt(4 * i), "header int " + i);
        }
        // token 258 = 0x0102 little-endian: low byte first
        assertEquals(0x02, bytes.get(1026));
        assertEquals(0x01, bytes.get(1027));
        assertEquals((short) 0xFFFF, bytes.getShort(1028));
    }

    @Test
    void emptyShardIsValid() {
        Path file = ShardWriter.write(dir.resolve("empty.bin"), new int[0]);
        assertEquals(0, ShardReader.open(file).tokenCount());
    }

    @Test
    void uncommittedWriterLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("half.bin");
        try (ShardWriter writer = ShardWriter.create(target)) {
            writer.write(new int[] {1, 2, 3}, 0, 3);
            assertEquals(3, writer.count());
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(1, files.count(), "only the hidden temp file exists while writing");
            }
        }
        assertFalse(Files.exists(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void commitReplacesAnExistingShardAtomicallyAndLeavesNoTemp() throws IOException {
        Path target = dir.resolve("s.bin");
        ShardWriter.write(target, new int[] {5, 6, 7, 8});
        ShardWriter.write(target, new int[] {9});
        assertArrayEquals(new int[] {9}, ShardReader.open(target).tokens(0, 1));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void tokenOutsideUint16IsRejected() {
        try (ShardWriter writer = ShardWriter.create(dir.resolve("bad.bin"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> writer.write(65536));
            assertTrue(e.getMessage().contains("65536"));
            assertThrows(IllegalArgumentException.class, () -> writer.write(-1));
            assertThrows(IllegalArgumentException.class, () -> writer.write(new int[] {1, 70000}, 0, 2));
            assertEquals(0, writer.count(), "a rejected bulk write writes nothing");
        }
    }

    @Test
    void shardSetSortsByNameAndSumsCounts() {
        ShardWriter.write(dir.resolve("d_train_000001.bin"), new int[] {1, 2});
        ShardWriter.write(dir.resolve("d_train_000000.bin"), new int[] {1, 2, 3});
        ShardWriter.write(dir.resolve("d_val_000000.bin"), new int[] {1});
        ShardSet train = ShardSet.inDirectory(dir, "train");
        assertEquals(2, train.size());
        assertEquals("d_train_000000.bin", train.file(0).getFileName().toString());
        assertEquals(3, train.tokenCount(0));
        assertEquals(5, train.totalTokens());
        assertEquals(1, ShardSet.glob(dir + "/d_val_*.bin").size());
        DataException none = assertThrows(DataException.class, () -> ShardSet.inDirectory(dir, "test"));
        assertTrue(none.getMessage().startsWith("no test shards in " + dir), none.getMessage());
    }
}
