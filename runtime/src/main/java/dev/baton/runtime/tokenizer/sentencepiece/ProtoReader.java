package dev.baton.runtime.tokenizer.sentencepiece;

import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format (varints, 32/64-bit fixed fields, length-delimited fields) from a
 * byte range: just enough to walk a {@code ModelProto} without a protobuf dependency. Every read is
 * bounds-checked and a malformed input ends in a {@link ModelFormatException} naming the offset.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private final int limit;
    private int pos;
    private int lastTag;

    ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    private ProtoReader(byte[] buf, int start, int limit) {
        this.buf = buf;
        this.pos = start;
        this.limit = limit;
    }

    boolean hasMore() {
        return pos < limit;
    }

    /** The next field's tag: {@code fieldNumber << 3 | wireType}. */
    int readTag() {
        long tag = readVarint();
        if (tag <= 0 || tag > Integer.MAX_VALUE || (tag >>> 3) == 0) {
            throw malformed("invalid field tag " + tag);
        }
        lastTag = (int) tag;
        return lastTag;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw malformed("varint runs past the end");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    int readInt32() {
        expect(VARINT);
        return (int) readVarint(); // negative int32 values are sign-extended to 10 bytes on the wire
    }

    boolean readBool() {
        expect(VARINT);
        return readVarint() != 0;
    }

    float readFloat() {
        expect(FIXED32);
        return Float.intBitsToFloat(readFixed32());
    }

    int readFixed32() {
        need(4);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    byte[] readBytes() {
        expect(LENGTH_DELIMITED);
        int length = readLength();
        byte[] out = new byte[length];
        System.arraycopy(buf, pos, out, 0, length);
        pos += length;
        return out;
    }

    String readString() {
        expect(LENGTH_DELIMITED);
        int length = readLength();
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    /** A reader over the next length-delimited field (an embedded message); this reader moves past it. */
    ProtoReader readMessage() {
        expect(LENGTH_DELIMITED);
        int length = readLength();
        ProtoReader sub = new ProtoReader(buf, pos, pos + length);
        pos += length;
        return sub;
    }

    /** Skips the value of a field whose tag was just read. */
    void skip(int tag) {
        switch (tag & 7) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(readLength());
            case FIXED32 -> advance(4);
            default -> throw malformed("unsupported wire type " + (tag & 7) + " of field " + (tag >>> 3));
        }
    }

    /** Checks that the field whose tag was just read has the wire type its reader expects. */
    private void expect(int wireType) {
        if ((lastTag & 7) != wireType) {
            throw malformed("field " + (lastTag >>> 3) + " has wire type " + (lastTag & 7) + ", expected " + wireType);
        }
    }

    private int readLength() {
        long length = readVarint();
        if (length < 0 || length > limit - pos) {
            throw malformed("field length " + length + " runs past the end");
        }
        return (int) length;
    }

    private void advance(int n) {
        need(n);
        pos += n;
    }

    private void need(int n) {
        if (n > limit - pos) {
            throw malformed("field runs past the end");
        }
    }

    private ModelFormatException malformed(String what) {
        return new ModelFormatException("not a SentencePiece model (protobuf " + what + " at byte " + pos + ")");
    }
}
