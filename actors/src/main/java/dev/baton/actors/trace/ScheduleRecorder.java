package dev.baton.actors.trace;

import dev.baton.actors.stream.ExecutedCommand;
import dev.baton.actors.stream.StreamObserver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongPredicate;

/**
 * Collects every command the streams of all workers ran during the steps it records, with its
 * enqueue, start and end times, so that a finished step can be written as a Chrome trace and a
 * schedule file. Streams report from their own threads; the coordinator drains after the step.
 */
public final class ScheduleRecorder implements StreamObserver {
    private final LongPredicate steps;
    private final ConcurrentLinkedQueue<ExecutedCommand> recorded = new ConcurrentLinkedQueue<>();

    /** Records the training steps for which {@code steps} is true (commands outside steps are ignored). */
    public ScheduleRecorder(LongPredicate steps) {
        this.steps = steps;
    }

    /** A recorder that records nothing. */
    public static ScheduleRecorder off() {
        return new ScheduleRecorder(s -> false);
    }

    /** Every {@code every}-th step (0 = none). */
    public static ScheduleRecorder every(long every) {
        return every(every, 0, 0);
    }

    /**
     * Every {@code every}-th step from {@code firstStep} on (a resumed run's first), at most
     * {@code limit} of them (0 = no limit).
     */
    public static ScheduleRecorder every(long every, int limit, long firstStep) {
        long first = every <= 0 ? 0 : (firstStep + every - 1) / every * every;
        long end = limit == 0 ? Long.MAX_VALUE : first + limit * every;
        return new ScheduleRecorder(s -> every > 0 && s % every == 0 && s >= first && s < end);
    }

    public boolean records(long step) {
        return step >= 0 && steps.test(step);
    }

    @Override
    public void executed(ExecutedCommand command) {
        if (records(command.info().step())) {
            recorded.add(command);
        }
    }

    /** Removes and returns the commands of {@code step}, ordered by rank, stream and sequence. */
    public List<ExecutedCommand> drain(long step) {
        List<ExecutedCommand> out = new ArrayList<>();
        for (Iterator<ExecutedCommand> it = recorded.iterator(); it.hasNext(); ) {
            ExecutedCommand c = it.next();
            if (c.info().step() == step) {
                out.add(c);
                it.remove();
            }
        }
        out.sort(Comparator.comparingInt(ExecutedCommand::rank).thenComparing(ExecutedCommand::stream)
                .thenComparingLong(ExecutedCommand::seq));
        return out;
    }
}
