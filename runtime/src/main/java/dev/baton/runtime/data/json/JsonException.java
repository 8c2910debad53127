package dev.baton.runtime.data.json;

/** Malformed JSON; the message says what and at which character (1-based). */
public final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
