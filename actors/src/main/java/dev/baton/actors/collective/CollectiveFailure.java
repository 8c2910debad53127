package dev.baton.actors.collective;

/** A collective could not complete: a rank did not arrive in time, ranks disagree, or the group was aborted. */
public final class CollectiveFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CollectiveFailure(String message) {
        super(message);
    }

    public CollectiveFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
