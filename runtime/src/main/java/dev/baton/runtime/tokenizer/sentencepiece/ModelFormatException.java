package dev.baton.runtime.tokenizer.sentencepiece;

/** A SentencePiece {@code .model} file that cannot be used; the message says what is wrong with it. */
public final class ModelFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a bad input file, not a program error: no trace to show
    }
}
