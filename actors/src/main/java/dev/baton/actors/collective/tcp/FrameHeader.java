package dev.baton.actors.collective.tcp;

import dev.baton.actors.stream.CommandKind;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What precedes every slice on a collective connection: which launch (sequence number), which op
 * of it, which phase, the op's kind and label and the element count. The receiver compares it
 * with what it expects, so ranks that issue different collectives fail with both named instead
 * of mixing up data.
 */
record FrameHeader(long seq, int op, int phase, CommandKind kind, String label, int elements) {
    private static final int MAGIC = 0x42544E46; // "BTNF"

    void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeLong(seq);
        out.writeShort(op);
        out.writeByte(phase);
        out.writeByte(kind.ordinal());
        out.writeUTF(label);
        out.writeInt(elements);
    }

    static FrameHeader read(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("the stream is out of step (read 0x" + Integer.toHexString(magic) + " where a frame begins)");
        }
        long seq = in.readLong();
        int op = in.readUnsignedShort();
        int phase = in.readUnsignedByte();
        int kind = in.readUnsignedByte();
        String label = in.readUTF();
        int elements = in.readInt();
        CommandKind[] kinds = CommandKind.values();
        if (kind >= kinds.length) {
            throw new IOException("unknown collective kind " + kind);
        }
        return new FrameHeader(seq, op, phase, kinds[kind], label, elements);
    }

    /** e.g. "collective #12 op 0 reduce_scatter attn (phase 0, 480 elements)" */
    String describe() {
        return "collective #" + seq + " op " + op + " " + kind.wireName() + " " + label + " (phase " + phase + ", "
                + elements + " elements)";
    }
}
