package dev.baton.actors.stream;

/**
 * A stream command failed, a wait timed out, or the stream was aborted; the message names the
 * device, the stream and the command so that a run can end with one clear line.
 */
public final class StreamFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StreamFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public StreamFailure(String message) {
        super(message);
    }

    /** The first cause that is not itself a stream failure: the original error of the run. */
    public static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while ((c instanceof StreamFailure || c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
