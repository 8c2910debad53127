package dev.baton.actors.training.golf;

import dev.baton.runtime.schedule.TrainingClock;
import dev.baton.runtime.schedule.GolfLrSchedule;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The golf warm-down's lr factor of each step, decided once per step for all ranks. With a
 * wall-clock budget the factor depends on the time elapsed when the step starts; if every rank read
 * its own clock, the replicated Adam parameters would drift apart, so the run's data source
 * {@link #decide}s the factor on the coordinator's thread before the step is scheduled and the
 * devices {@link #at read} it. Without a budget the factor is a function of the step alone. One
 * instance per run (in-process devices).
 */
public final class GolfLrScales {
    private final GolfLrSchedule schedule;
    private final TrainingClock clock;
    private final Map<Long, Double> decided = new ConcurrentHashMap<>();

    public GolfLrScales(GolfLrSchedule schedule, TrainingClock clock) {
        this.schedule = schedule;
        this.clock = clock;
    }

    /** Step-based factors only (no budget needs no clock). */
    public static GolfLrScales stepBased(GolfLrSchedule schedule) {
        if (schedule.budgetMs() > 0) {
            throw new IllegalArgumentException("a warm-down with a wall-clock budget needs the run's clock");
        }
        return new GolfLrScales(schedule, new TrainingClock(() -> 0L));
    }

    public GolfLrSchedule schedule() {
        return schedule;
    }

    public TrainingClock clock() {
        return clock;
    }

    /** Starts the clock if needed and fixes the factor of {@code step} from the time elapsed now. */
    public double decide(long step) {
        clock.start();
        double s = schedule.lrScale(step, clock.elapsedMs());
        decided.put(step, s);
        decided.remove(step - 2); // devices have read it: the step before last is done
        return s;
    }

    /** The factor of {@code step}, as decided (with a budget) or computed from the step (without). */
    public double at(long step) {
        Double s = decided.get(step);
        if (s != null) {
            return s;
        }
        if (schedule.budgetMs() > 0) {
            throw new IllegalStateException("the lr factor of step " + step + " was not decided before the step ran");
        }
        return schedule.lrScale(step, 0);
    }

    /** True once the budget is spent: the run stops after the step in flight, as the baseline. */
    public boolean budgetSpent() {
        return schedule.budgetSpent(clock.elapsedMs());
    }
}
