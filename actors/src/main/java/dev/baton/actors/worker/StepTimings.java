package dev.baton.actors.worker;

/**
 * Where one rank's step went: wall time from the step message to the drained streams, and the
 * time each stream spent running commands (the rest of the wall time is waiting).
 */
public record StepTimings(long wallNanos, long computeBusyNanos, long commBusyNanos) {
    /** Wall time the two streams' work does not explain: waits, exposed communication, overhead. */
    public long idleNanos() {
        return Math.max(0, wallNanos - Math.max(computeBusyNanos, commBusyNanos));
    }
}
