package dev.baton.runtime.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A validated, memory-mapped token shard. The mapping outlives the file channel (closed at once)
 * and is released by the garbage collector: Java 17 has no safe explicit unmap, and a read-only
 * mapping holds no resources that matter beyond address space.
 */
public final class ShardReader {
    private final Path file;
    private final int count;
    private final ShortBuffer tokens;

    private ShardReader(Path file, int count, ShortBuffer tokens) {
        this.file = file;
        this.count = count;
        this.tokens = tokens;
    }

    /** Validates the header and size of {@code file} and maps its tokens. */
    public static ShardReader open(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int count = validate(file, channel);
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, ShardFormat.HEADER_BYTES, 2L * count);
            ShortBuffer tokens = map.order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
            return new ShardReader(file, count, tokens);
        } catch (NoSuchFileException e) {
            throw new ShardFormatException(file, "no such file");
        } catch (IOException e) {
            throw new ShardFormatException(file, "cannot read: " + e.getMessage());
        }
    }

    /** Checks header and size without mapping; returns the token count. */
    public static int validate(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return validate(file, channel);
        } catch (NoSuchFileException e) {
            throw new ShardFormatException(file, "no such file");
        } catch (IOException e) {
            throw new ShardFormatException(file, "cannot read: " + e.getMessage());
        }
    }

    private static int validate(Path file, FileChannel channel) throws IOException {
        if (Files.isDirectory(file)) {
            throw new ShardFormatException(file, "is a directory, not a token shard");
        }
        long size = channel.size();
        if (size < ShardFormat.HEADER_BYTES) {
            throw new ShardFormatException(file, "truncated header: the file holds " + size
                    + " bytes, fewer than the " + ShardFormat.HEADER_BYTES + "-byte header of a token shard");
        }
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        while (header.hasRemaining() && channel.read(header, header.position()) >= 0) {
            // read the three leading header ints
        }
        int magic = header.getInt(0);
        int version = header.getInt(4);
        int count = header.getInt(8);
        if (magic != ShardFormat.MAGIC) {
            throw new ShardFormatException(file, "bad magic number " + magic + " (expected " + ShardFormat.MAGIC
                    + "): not a token shard");
        }
        if (version != ShardFormat.VERSION) {
            throw new ShardFormatException(file, "unsupported shard version " + version + " (expected "
                    + ShardFormat.VERSION + ")");
        }
        if (count < 0 || count > ShardFormat.MAX_TOKENS) {
            throw new ShardFormatException(file, "header token count " + count + " is outside 0.."
                    + ShardFormat.MAX_TOKENS);
        }
        long expected = ShardFormat.fileSize(count);
        if (size < expected) {
            throw new ShardFormatException(file, "truncated: the header counts " + count + " tokens ("
                    + expected + " bytes) but the file holds " + size + " bytes");
        }
        if (size > expected) {
            throw new ShardFormatException(file, (size - expected) + " extra bytes after the last token: the header counts "
                    + count + " tokens (" + expected + " bytes) but the file holds " + size + " bytes");
        }
        return count;
    }

    public Path file() {
        return file;
    }

    /** Number of tokens in the shard. */
    public int tokenCount() {
        return count;
    }

    /** The token at {@code index} as an unsigned value. */
    public int token(int index) {
        return tokens.get(index) & 0xFFFF;
    }

    /** Copies tokens {@code [from, to)} into {@code dst} starting at {@code dstOffset}. */
    public void copyTokens(int from, int to, int[] dst, int dstOffset) {
        if (from < 0 || to > count || from > to) {
            throw new IndexOutOfBoundsException("tokens [" + from + ", " + to + ") of " + count + " in " + file);
        }
        for (int i = from; i < to; i++) {
            dst[dstOffset + i - from] = tokens.get(i) & 0xFFFF;
        }
    }

    /** Tokens {@code [from, to)} as a fresh array. */
    public int[] tokens(int from, int to) {
        int[] out = new int[to - from];
        copyTokens(from, to, out, 0);
        return out;
    }
}
