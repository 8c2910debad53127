package dev.baton.kernels.nccl;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 128-byte ncclUniqueId that rank 0 creates and every rank passes to
 * {@link Nccl#initRank}; a value, so that it can travel in a cluster message.
 */
public record NcclUniqueId(byte[] bytes) {
    public static final int BYTES = 128;

    public NcclUniqueId {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("an NCCL unique id has " + BYTES + " bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NcclUniqueId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "NcclUniqueId[" + HexFormat.of().formatHex(bytes, 0, 8) + "…]";
    }
}
