package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

import java.util.List;

/**
 * One command of a planned step, the same on every rank: its stream and position, what it does,
 * the bytes it moves, its launch number when it is a collective, and the events it waits for
 * (commands of the same rank), as the worker would enqueue them.
 */
public record PlannedCommand(String stream, int index, CommandKind kind, String param, long bytes, int collective,
                             List<StreamRef> waits) {
    public PlannedCommand {
        waits = List.copyOf(waits);
    }
}
