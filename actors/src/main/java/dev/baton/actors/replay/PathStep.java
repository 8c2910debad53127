package dev.baton.actors.replay;

/**
 * One command on a step's critical path: what ran from {@code start} to {@code end}, and the
 * {@code waitBefore} between the end of the command that held it back and its start (stream
 * overhead, a thread waking up, or the rank's late start). For a collective, {@code start} is the
 * moment the last rank arrived and {@code boundBy} that rank.
 */
public record PathStep(TimedCommand command, double start, double end, double waitBefore, int boundBy) {
    public double duration() {
        return end - start;
    }
}
