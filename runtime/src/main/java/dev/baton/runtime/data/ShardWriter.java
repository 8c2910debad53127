package dev.baton.runtime.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Streams tokens into one shard file atomically: tokens go to a hidden temp file in the target's
 * folder, {@link #commit()} writes the header and renames it into place, and {@link #close()}
 * without a commit deletes it, so an interrupted write never leaves a half shard behind.
 */
public final class ShardWriter implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long count;
    private boolean finished;

    private ShardWriter(Path target, Path temp, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
    }

    /** Opens a writer whose shard will appear at {@code target} on commit. */
    public static ShardWriter create(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
            ShardWriter writer = new ShardWriter(target, temp, channel);
            writer.buffer.put(new byte[ShardFormat.HEADER_BYTES]); // placeholder, rewritten on commit
            return writer;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new DataException("cannot create shard " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes a whole shard at once; returns the target. */
    public static Path write(Path target, int[] tokens) {
        try (ShardWriter writer = create(target)) {
            writer.write(tokens, 0, tokens.length);
            return writer.commit();
        }
    }

    public void write(int token) {
        if (token < 0 || token > ShardFormat.MAX_TOKEN_ID) {
            throw new IllegalArgumentException("token " + token + " does not fit uint16 (shard " + target + ")");
        }
        if (count == ShardFormat.MAX_TOKENS) {
            throw new IllegalStateException("shard " + target + " is full (" + ShardFormat.MAX_TOKENS + " tokens)");
        }
        if (!buffer.hasRemaining()) {
            flush();
        }
        buffer.putShort((short) token);
        count++;
    }

    public void write(int[] tokens, int offset, int length) {
        if (count + length > ShardFormat.MAX_TOKENS) {
            throw new IllegalStateException("shard " + target + " would exceed " + ShardFormat.MAX_TOKENS + " tokens");
        }
        for (int i = offset; i < offset + length; i++) {
            if (tokens[i] < 0 || tokens[i] > ShardFormat.MAX_TOKEN_ID) {
                throw new IllegalArgumentException("token " + tokens[i] + " does not fit uint16 (shard " + target + ")");
            }
        }
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (!buffer.hasRemaining()) {
                flush();
            }
            int n = Math.min(end - i, buffer.remaining() / 2);
            for (int j = 0; j < n; j++) {
                buffer.putShort((short) tokens[i + j]);
            }
            i += n;
        }
        count += length;
    }

    /** Tokens written so far. */
    public long count() {
        return count;
    }

    public Path target() {
        return target;
    }

    /** Writes the header, flushes to disk and atomically renames the temp file to the target. */
    public Path commit() {
        if (finished) {
            throw new IllegalStateException("shard " + target + " already committed or closed");
        }
        try {
            flush();
            channel.write(ShardFormat.header((int) count), 0);
            channel.force(true);
            channel.close();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            finished = true;
            return target;
        } catch (IOException e) {
            close();
            throw new DataException("cannot write shard " + target + ": " + e.getMessage(), e);
        }
    }

    /** Discards the temp file unless the shard was committed. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the temp file is deleted below either way
        }
        deleteQuietly(temp);
    }

    private void flush() {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new DataException("cannot write shard " + target + ": " + e.getMessage(), e);
        }
        buffer.clear();
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temp file is harmless and named as such
        }
    }
}
