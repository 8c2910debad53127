package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

/**
 * One collective launch as measured: its kind, the world size, the bytes each rank moved by the
 * ring formula, how long it took once the last rank had arrived ({@code micros}, the average of
 * {@code samples} measurements), and where it was measured (recordings or a collectives sweep).
 */
public record CollectivePoint(CommandKind kind, int world, long bytes, double micros, int samples, String source) {
}
