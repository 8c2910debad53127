package dev.baton.actors.checkpoint;

/** A checkpoint is missing, corrupt or does not fit the model; the message names the file and the fix. */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
