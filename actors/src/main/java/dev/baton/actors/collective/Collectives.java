package dev.baton.actors.collective;

/**
 * A group of W devices that communicate: hands out each rank's {@link Communicator}, and can be
 * aborted so that every rank blocked in a collective gives up at once (ncclCommAbort).
 */
public interface Collectives extends AutoCloseable {
    int world();

    Communicator communicator(int rank);

    /** Makes every pending and future collective fail with a message carrying {@code cause}. */
    void abort(Throwable cause);

    @Override
    void close();
}
