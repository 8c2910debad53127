package dev.baton.runtime.golf.artifact;

/** An artifact file that cannot be used (corrupt, truncated, unknown format or codec); one clear message. */
public final class ArtifactException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message, null, false, false); // a bad input file, not a program error: no trace to show
    }
}
