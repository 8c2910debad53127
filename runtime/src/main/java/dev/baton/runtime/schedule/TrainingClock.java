package dev.baton.runtime.schedule;

import java.util.function.LongSupplier;

/**
 * Training time as the golf baseline counts it: wall-clock time while training runs, paused
 * around validation (and anything else the caller excludes). The time source is injected, so
 * schedules that read the clock are tested with a fake one.
 */
public final class TrainingClock {
    private final LongSupplier nanoTime;
    private long accumulatedNanos;
    private long runningSince;
    private boolean running;

    /** @param nanoTime a monotonic nanosecond source, e.g. {@code System::nanoTime} */
    public TrainingClock(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** A clock on {@link System#nanoTime()}. */
    public static TrainingClock system() {
        return new TrainingClock(System::nanoTime);
    }

    /** Starts (or resumes) counting. */
    public void start() {
        if (!running) {
            runningSince = nanoTime.getAsLong();
            running = true;
        }
    }

    /** Stops counting until the next {@link #start}. */
    public void pause() {
        if (running) {
            accumulatedNanos += nanoTime.getAsLong() - runningSince;
            running = false;
        }
    }

    public boolean running() {
        return running;
    }

    /** Training time so far in milliseconds. */
    public double elapsedMs() {
        long nanos = accumulatedNanos + (running ? nanoTime.getAsLong() - runningSince : 0);
        return nanos / 1e6;
    }
}
