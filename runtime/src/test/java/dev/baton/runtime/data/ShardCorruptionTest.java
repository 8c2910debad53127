package dev.baton.runtime.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each way a shard can be damaged ends with one line naming the file and the problem, and no stack trace. */
class ShardCorruptionTest {
    @TempDir
    Path dir;
    Path file;
    byte[] original;

    @BeforeEach
    void writeGoodShard() throws IOException {
        file = ShardWriter.write(dir.resolve("c_train_000000.bin"), new int[] {50256, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        original = Files.readAllBytes(file);
    }

    private void patchHeaderInt(int index, int value) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value), 4L * index);
        }
    }

    private String failure() throws IOException {
        byte[] before = Files.readAllBytes(file);
        ShardFormatException open = assertThrows(ShardFormatException.class, () -> ShardReader.open(file));
        ShardFormatException validate = assertThrows(ShardFormatException.class, () -> ShardReader.validate(file));
        assertEquals(open.getMessage(), validate.getMessage());
        assertEquals(file, open.file());
        assertEquals(file + ": " + open.problem(), open.getMessage());
        assertFalse(open.getMessage().contains("\n"), "one line");
        assertEquals(0, open.getStackTrace().length, "a user error carries no stack trace");
        assertArrayEquals(before, Files.readAllBytes(file), "reading never modifies the file");
        return open.problem();
    }

    @Test
    void badMagic() throws IOException {
        patchHeaderInt(0, 12345);
        assertEquals("bad magic number 12345 (expected 20240520): not a token shard", failure());
    }

    @Test
    void badVersion() throws IOException {
        patchHeaderInt(1, 2);
        assertEquals("unsupported shard version 2 (expected 1)", failure());
    }

    @Test
    void truncatedHeader() throws IOException {
        Files.write(file, Arrays.copyOf(original, 100));
        assertEquals("truncated header: the file holds 100 bytes, fewer than the 1024-byte header of a token shard",
                failure());
    }

    @Test
    void truncatedTokens() throws IOException {
        Files.write(file, Arrays.copyOf(original, original.length - 3));
        assertEquals("truncated: the header counts 10 tokens (1044 bytes) but the file holds 1041 bytes", failure());
    }

    @Test
    void extraBytes() throws IOException {
        Files.write(file, Arrays.copyOf(original, original.length + 6));
        assertEquals("6 extra bytes after the last token: the header counts 10 tokens (1044 bytes) but the file "
                + "holds 1050 bytes", failure());
    }

    @Test
    void headerCountLargerThanTheData() throws IOException {
        patchHeaderInt(2, 11);
        assertEquals("truncated: the header counts 11 tokens (1046 bytes) but the file holds 1044 bytes", failure());
    }

    @Test
    void headerCountSmallerThanTheData() throws IOException {
        patchHeaderInt(2, 4);
        assertEquals("12 extra bytes after the last token: the header counts 4 tokens (1032 bytes) but the file "
                + "holds 1044 bytes", failure());
    }

    @Test
    void negativeCount() throws IOException {
        patchHeaderInt(2, -1);
        assertEquals("header token count -1 is outside 0..1073741311", failure());
    }

    @Test
    void missingFile() throws IOException {
        Files.delete(file);
        ShardFormatException e = assertThrows(ShardFormatException.class, () -> ShardReader.open(file));
        assertEquals(file + ": no such file", e.getMessage());
    }

    @Test
    void aCorruptShardStopsTheShardSetUpFront() throws IOException {
        ShardWriter.write(dir.resolve("c_train_000001.bin"), new int[] {50256, 1});
        patchHeaderInt(0, 0);
        ShardFormatException e = assertThrows(ShardFormatException.class, () -> ShardSet.inDirectory(dir, "train"));
        assertEquals(file, e.file());
    }
}
