package dev.baton.runtime.data;

/**
 * A data problem the user can fix (missing shards, bad input text, exhausted data): its message is
 * one complete sentence for the console, so it carries no stack trace.
 */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message, null, false, false);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
