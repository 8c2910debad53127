package dev.baton.runtime.tokenizer.sentencepiece;

/** The kind of a vocabulary entry, with the numbers {@code ModelProto.SentencePiece.Type} gives them. */
public enum PieceType {
    NORMAL(1), UNKNOWN(2), CONTROL(3), USER_DEFINED(4), UNUSED(5), BYTE(6);

    private final int number;

    PieceType(int number) {
        this.number = number;
    }

    /** The enum number in {@code sentencepiece_model.proto}. */
    public int number() {
        return number;
    }

    static PieceType of(int number) {
        for (PieceType t : values()) {
            if (t.number == number) {
                return t;
            }
        }
        throw new ModelFormatException("unknown piece type " + number);
    }

    /** Pieces the encoder may produce by merging (the others are found only by exact id lookup). */
    boolean mergeable() {
        return this == NORMAL || this == USER_DEFINED || this == UNUSED;
    }
}
