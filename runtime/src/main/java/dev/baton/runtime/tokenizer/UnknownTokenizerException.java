package dev.baton.runtime.tokenizer;

/** A tokenizer name that is not known (or not supported yet); the message lists the valid names. */
public final class UnknownTokenizerException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownTokenizerException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a user's typo, not a program error: no trace to show
    }
}
