package dev.baton.actors.stream;

/** Receives every command a stream ran, on the stream's thread; the schedule recorder implements it. */
@FunctionalInterface
public interface StreamObserver {
    StreamObserver NONE = c -> { };

    void executed(ExecutedCommand command);
}
