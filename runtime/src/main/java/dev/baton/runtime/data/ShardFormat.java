package dev.baton.runtime.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The token shard layout shared with modded-nanogpt and parameter golf: 256 little-endian int32
 * (magic, version, token count, then zeros) followed by the tokens as little-endian uint16.
 */
public final class ShardFormat {
    public static final int MAGIC = 20240520;
    public static final int VERSION = 1;
    public static final int HEADER_INTS = 256;
    public static final int HEADER_BYTES = HEADER_INTS * Integer.BYTES;
    /** Largest token id a uint16 shard can hold. */
    public static final int MAX_TOKEN_ID = 0xFFFF;
    /** Most tokens per shard: the token region must fit one memory mapping (2 GiB). */
    public static final int MAX_TOKENS = (Integer.MAX_VALUE - HEADER_BYTES) / 2;

    private ShardFormat() {
    }

    /** The exact file size of a shard holding {@code tokens} tokens. */
    public static long fileSize(long tokens) {
        return HEADER_BYTES + 2L * tokens;
    }

    /** A fresh header for {@code tokens} tokens, positioned at 0 and ready to write. */
    public static ByteBuffer header(int tokens) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, MAGIC).putInt(4, VERSION).putInt(8, tokens);
        return header;
    }
}
