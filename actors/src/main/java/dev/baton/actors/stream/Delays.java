package dev.baton.actors.stream;

import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Random pauses injected before stream commands and collective arrivals, to show that timing
 * never changes results and never deadlocks. Seeded; {@link #NONE} injects nothing.
 */
public final class Delays {
    public static final Delays NONE = new Delays(0, 0);

    private final long maxNanos;
    private final SplittableRandom random;

    /** Pauses uniformly in [0, maxNanos) drawn from a generator seeded with {@code seed}. */
    public Delays(long seed, long maxNanos) {
        this.maxNanos = maxNanos;
        this.random = new SplittableRandom(seed);
    }

    public boolean enabled() {
        return maxNanos > 0;
    }

    /** Sleeps a random while (nothing when disabled); called by stream and collective threads. */
    public void pause() {
        if (maxNanos <= 0) {
            return;
        }
        long n;
        synchronized (random) {
            n = random.nextLong(maxNanos);
        }
        LockSupport.parkNanos(n);
    }
}
