package dev.baton.actors.stream;

/**
 * The body of a stream command. On a CPU stream it does the work on the stream's thread; on a
 * CUDA stream it launches the work onto the stream and returns at once.
 */
@FunctionalInterface
public interface StreamCommand {
    void run() throws Exception;
}
