package dev.baton.conf;

/**
 * A configuration error the user caused (unknown key, wrong type, missing file, unknown profile).
 *
 * <p>The message is one line that names the input and, where one exists, the fix; the command
 * line prints it as is and exits with code 2, without a stack trace.
 */
public final class BatonConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BatonConfigException(String message) {
        super(message);
    }

    public BatonConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
