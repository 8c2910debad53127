package dev.baton.runtime.golf.artifact;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The fixed 40-byte head of an artifact file, little-endian:
 * <pre>
 *   0  8 bytes  magic "BTNGOLF\0"
 *   8  u16      format version (1 or 2)
 *   10 u8       codec id (1 zlib, 2 xz, 3 brotli)
 *   11 u8       version 1: reserved (0); version 2: byte-shuffle stride of the payload (0 = none)
 *   12 u32      CRC-32 of the compressed payload
 *   16 u64      compressed payload length (the bytes after this header)
 *   24 u64      uncompressed payload length
 *   32 u32      CRC-32 of the uncompressed payload
 *   36 u32      CRC-32 of bytes 0..35 of this header
 * </pre>
 * The payload CRC catches a damaged file before the decompressor sees it; the raw CRC catches a
 * decompressor that disagrees with the compressor; the header CRC catches damage to the lengths.
 * Version 2 (GPTQ int6 artifacts) adds the bit-packed int6 form to the payload and the byte
 * shuffle applied to the whole payload before compression; the raw length and CRC are those of
 * the unshuffled payload. Version 1 files (the baseline's int8) read as before.
 */
record ArtifactHeader(int version, int codecId, int shuffleStride, long payloadLength, int payloadCrc, long rawLength,
                      int rawCrc) {
    static final int SIZE = 40;
    /** The baseline's format: int8 per row / per tensor and float passthrough, no shuffle. */
    static final int VERSION_INT8 = 1;
    /** Adds int6 per row (bit-packed) and the payload byte shuffle. */
    static final int VERSION = 2;
    static final byte[] MAGIC = "BTNGOLF\0".getBytes(StandardCharsets.US_ASCII);

    static ArtifactHeader describe(Codec codec, byte[] payload, byte[] raw) {
        return new ArtifactHeader(VERSION_INT8, codec.id(), 0, payload.length, crc(payload, 0, payload.length),
                raw.length, crc(raw, 0, raw.length));
    }

    /** A version-2 header; {@code raw} is the payload before the shuffle. */
    static ArtifactHeader describe(Codec codec, int shuffleStride, byte[] payload, byte[] raw) {
        return new ArtifactHeader(VERSION, codec.id(), shuffleStride, payload.length, crc(payload, 0, payload.length),
                raw.length, crc(raw, 0, raw.length));
    }

    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) version).put((byte) codecId).put((byte) shuffleStride).putInt(payloadCrc)
                .putLong(payloadLength).putLong(rawLength).putInt(rawCrc);
        b.putInt(crc(b.array(), 0, SIZE - 4));
        return b.array();
    }

    /** Reads and checks the header at the start of {@code file}; a problem is a {@link BadHeader} reason. */
    static ArtifactHeader read(byte[] file) {
        if (file.length < SIZE) {
            throw new BadHeader("it is " + file.length + " bytes long, shorter than the " + SIZE + "-byte header");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (file[i] != MAGIC[i]) {
                throw new BadHeader("it does not start with the golf artifact magic (BTNGOLF)");
            }
        }
        ByteBuffer b = ByteBuffer.wrap(file, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.position(MAGIC.length);
        int version = b.getShort() & 0xFFFF;
        int codec = b.get() & 0xFF;
        int stride = b.get() & 0xFF;
        int payloadCrc = b.getInt();
        long payloadLength = b.getLong();
        long rawLength = b.getLong();
        int rawCrc = b.getInt();
        int headerCrc = b.getInt();
        if (headerCrc != crc(file, 0, SIZE - 4)) {
            throw new BadHeader("its header checksum does not match");
        }
        return new ArtifactHeader(version, codec, stride, payloadLength, payloadCrc, rawLength, rawCrc);
    }

    static int crc(byte[] b, int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(b, from, length);
        return (int) crc.getValue();
    }

    /** Why a header was refused; turned into the artifact's one message by the reader. */
    static final class BadHeader extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadHeader(String message) {
            super(message, null, false, false);
        }
    }
}
