package dev.baton.actors.replay;

import dev.baton.runtime.optim.Comms;

/**
 * One parameter of the {@link TimedWorkload}: how it is communicated, how many fp32 elements its
 * gradient has (what the simulated link charges for), and how long its update takes.
 *
 * @param rows        rows of the (rows, 64) fp32 tensor; sharded parameters split by rows
 * @param updateNanos the whole update's time; a rank updating a shard takes its share of it
 */
public record TimedParam(String label, Comms comms, int rows, long updateNanos) {
    public static final int COLS = 64;

    public static TimedParam sharded(String label, int rows, long updateMicros) {
        return new TimedParam(label, Comms.SHARDED, rows, updateMicros * 1000);
    }

    public static TimedParam replicated(String label, int rows, long updateMicros) {
        return new TimedParam(label, Comms.REPLICATED, rows, updateMicros * 1000);
    }
}
