package dev.baton.actors.collective;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The meeting point of one collective launch: every rank deposits its ops, then the ranks pass
 * through numbered barriers together. Waits end with a timeout naming the missing ranks, or at
 * once when the group is aborted.
 */
final class Rendezvous {
    private final long seq;
    private final int world;
    private final List<List<CollectiveOp>> ops;
    private final int[] phaseCounts;
    private final boolean[][] passed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long allArrivedNanos;
    private int left;

    Rendezvous(long seq, int world, int phases) {
        this.seq = seq;
        this.world = world;
        this.ops = new ArrayList<>(world);
        for (int r = 0; r < world; r++) {
            ops.add(null);
        }
        this.phaseCounts = new int[phases];
        this.passed = new boolean[phases][world];
    }

    /** Deposits this rank's ops and waits for every rank (phase 0); returns when all arrived. */
    void arrive(int rank, List<CollectiveOp> mine, long timeoutNanos, Supplier<Throwable> aborted) {
        lock.lock();
        try {
            ops.set(rank, mine);
        } finally {
            lock.unlock();
        }
        barrier(0, rank, timeoutNanos, aborted);
    }

    /** Waits until every rank reached barrier {@code phase}. */
    void barrier(int phase, int rank, long timeoutNanos, Supplier<Throwable> aborted) {
        lock.lock();
        try {
            passed[phase][rank] = true;
            if (++phaseCounts[phase] == world) {
                if (phase == 0) {
                    allArrivedNanos = System.nanoTime();
                }
                changed.signalAll();
            }
            long remaining = timeoutNanos;
            while (phaseCounts[phase] < world) {
                Throwable a = aborted.get();
                if (a != null) {
                    throw new CollectiveFailure("collective #" + seq + " " + describe(rank) + " was aborted: "
                            + a.getMessage(), a);
                }
                if (remaining <= 0) {
                    throw new CollectiveFailure("collective #" + seq + " " + describe(rank) + ": ranks "
                            + missing(phase) + " did not " + (phase == 0 ? "arrive" : "finish") + " within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
                }
                try {
                    remaining = changed.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CollectiveFailure("collective #" + seq + " " + describe(rank) + " was interrupted");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter so that it sees the abort. */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The ops of every rank; valid after phase 0. */
    List<CollectiveOp> opsOf(int rank) {
        return ops.get(rank);
    }

    long allArrivedNanos() {
        return allArrivedNanos;
    }

    /** Counts a rank out; true for the last one, which removes the rendezvous. */
    boolean leave() {
        lock.lock();
        try {
            return ++left == world;
        } finally {
            lock.unlock();
        }
    }

    private String describe(int rank) {
        List<CollectiveOp> mine = ops.get(rank);
        if (mine == null || mine.isEmpty()) {
            return "(empty)";
        }
        StringBuilder b = new StringBuilder();
        for (CollectiveOp op : mine) {
            if (b.length() > 0) {
                b.append(" + ");
            }
            b.append(op.kind().wireName()).append(' ').append(op.label());
        }
        return b.toString();
    }

    private List<Integer> missing(int phase) {
        List<Integer> m = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            if (!passed[phase][r]) {
                m.add(r);
            }
        }
        return m;
    }
}
