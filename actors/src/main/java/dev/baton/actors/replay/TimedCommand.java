package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

import java.util.List;

/**
 * One command of a step's timeline, recorded or predicted: where it ran, what it did, when it
 * was enqueued, started and ended (microseconds from the step's first enqueue), and which
 * commands of its rank it waited for besides its stream's order.
 *
 * @param index      position on its stream within the step (0, 1, ...)
 * @param collective the launch's position among the step's collectives (the same on every rank), -1 for compute
 * @param start      when its stream started it; for a collective, when this rank arrived
 */
public record TimedCommand(int rank, String stream, int index, CommandKind kind, String param, long bytes,
                           int collective, double enqueue, double start, double end, List<StreamRef> waits) {
    public TimedCommand {
        waits = List.copyOf(waits);
        param = param == null ? "" : param;
    }

    public double duration() {
        return end - start;
    }

    public boolean communication() {
        return kind.communication();
    }

    /** "reduce_scatter big" or "forward_backward". */
    public String label() {
        return param.isEmpty() ? kind.wireName() : kind.wireName() + " " + param;
    }
}
