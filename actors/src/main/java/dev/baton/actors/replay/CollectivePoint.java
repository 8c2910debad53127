package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

/**
 * One measured collective launch: its kind, the world size, the bytes each rank moved by the
 * ring formula, and how long it took once the last rank had arrived; {@code source} says where
 * it was measured (a schedule file or a collectives sweep).
 */
public record CollectivePoint(CommandKind kind, int world, long bytes, double micros, String source) {
}
