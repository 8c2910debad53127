package dev.baton.runtime.tokenizer.sentencepiece;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes small synthetic {@code .model} files in the protobuf wire format, for hand-checked cases. */
final class ModelBuilder {
    private final ByteArrayOutputStream pieces = new ByteArrayOutputStream();
    private final ByteArrayOutputStream trainer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream normalizer = new ByteArrayOutputStream();

    /** A BPE model with {@code <unk>} 0, {@code <s>} 1, {@code </s>} 2, identity normalisation, no dummy prefix. */
    static ModelBuilder bpe() {
        ModelBuilder b = new ModelBuilder();
        b.piece("<unk>", 0, PieceType.UNKNOWN).piece("<s>", 0, PieceType.CONTROL).piece("</s>", 0, PieceType.CONTROL);
        varintField(b.trainer, 3, TrainerSpec.BPE);
        varintField(b.normalizer, 3, 0);
        return b;
    }

    ModelBuilder piece(String text, float score, PieceType type) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        bytesField(p, 1, text.getBytes(StandardCharsets.UTF_8));
        tag(p, 2, 5);
        int bits = Float.floatToIntBits(score);
        for (int i = 0; i < 4; i++) {
            p.write(bits >>> (8 * i));
        }
        varintField(p, 3, type.number());
        bytesField(pieces, 1, p.toByteArray());
        return this;
    }

    ModelBuilder trainerVarint(int field, long value) {
        varintField(trainer, field, value);
        return this;
    }

    ModelBuilder normalizerVarint(int field, long value) {
        varintField(normalizer, field, value);
        return this;
    }

    /** Adds {@code <0x00>} .. {@code <0xFF>} and switches byte_fallback on. */
    ModelBuilder bytePieces() {
        for (int b = 0; b < 256; b++) {
            piece(String.format("<0x%02X>", b), 0, PieceType.BYTE);
        }
        return trainerVarint(35, 1);
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(pieces.toByteArray());
        bytesField(out, 2, trainer.toByteArray());
        bytesField(out, 3, normalizer.toByteArray());
        return out.toByteArray();
    }

    SentencePieceModel model() {
        return SentencePieceModel.parse(build());
    }

    private static void varintField(ByteArrayOutputStream out, int field, long value) {
        tag(out, field, 0);
        varint(out, value);
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
        tag(out, field, 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void tag(ByteArrayOutputStream out, int field, int wire) {
        varint(out, (long) field << 3 | wire);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
