package dev.baton.actors.serialization;

/**
 * The cause of a failure that happened in another JVM: its original class name and message
 * travel, not the exception object (no Java serialization; the class may not even exist here).
 */
public final class RemoteFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String originalClass;

    public RemoteFailure(String originalClass, String message) {
        super(message, null, false, false);
        this.originalClass = originalClass;
    }

    /** The failure's class on the node it happened, e.g. "java.lang.IllegalStateException". */
    public String originalClass() {
        return originalClass;
    }

    @Override
    public String toString() {
        String simple = originalClass.substring(originalClass.lastIndexOf('.') + 1);
        return getMessage() == null ? simple : simple + ": " + getMessage();
    }
}
