package dev.baton.runtime.tokenizer.sentencepiece;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a SentencePiece {@code ModelProto} (the {@code .model} file) that encoding and
 * decoding need: the pieces in id order, the trainer settings, and the normaliser and optional
 * denormaliser. Fields are read by number from {@code sentencepiece_model.proto}; others are skipped.
 *
 * @param denormalizer null when the model has no denormalisation rules (the usual case)
 */
public record ModelProto(List<Piece> pieces, TrainerSpec trainer, NormalizerSpec normalizer,
                         NormalizerSpec denormalizer) {
    public ModelProto {
        pieces = List.copyOf(pieces);
    }

    /** Parses the bytes of a {@code .model} file. */
    public static ModelProto parse(byte[] bytes) {
        ProtoReader in = new ProtoReader(bytes);
        List<Piece> pieces = new ArrayList<>();
        TrainerSpec trainer = null;
        NormalizerSpec normalizer = null;
        NormalizerSpec denormalizer = null;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 1 -> pieces.add(parsePiece(in.readMessage()));
                case 2 -> trainer = TrainerSpec.parse(in.readMessage());
                case 3 -> normalizer = NormalizerSpec.parse(in.readMessage());
                case 5 -> denormalizer = NormalizerSpec.parse(in.readMessage());
                default -> in.skip(tag);
            }
        }
        if (pieces.isEmpty()) {
            throw new ModelFormatException("not a SentencePiece model (no pieces)");
        }
        boolean hasDenormalizer = denormalizer != null && denormalizer.precompiledCharsmap().length > 0;
        return new ModelProto(pieces, trainer != null ? trainer : TrainerSpec.defaults(),
                normalizer != null ? normalizer : NormalizerSpec.defaults(), hasDenormalizer ? denormalizer : null);
    }

    private static Piece parsePiece(ProtoReader in) {
        String text = "";
        float score = 0f;
        PieceType type = PieceType.NORMAL;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 1 -> text = in.readString();
                case 2 -> score = in.readFloat();
                case 3 -> type = PieceType.of(in.readInt32());
                default -> in.skip(tag);
            }
        }
        return new Piece(text, score, type);
    }
}
