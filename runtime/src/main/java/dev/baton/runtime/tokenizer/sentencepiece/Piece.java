package dev.baton.runtime.tokenizer.sentencepiece;

/** One vocabulary entry: its text (with U+2581 for a space), its merge score and its kind. */
public record Piece(String text, float score, PieceType type) {
}
