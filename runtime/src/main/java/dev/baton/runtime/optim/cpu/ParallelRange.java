package dev.baton.runtime.optim.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Runs a loop body over [0, n) in fixed contiguous chunks on an owned pool, or inline when the
 * work is small. Chunks never change the per-element arithmetic, so results do not depend on the
 * thread count.
 */
final class ParallelRange implements AutoCloseable {
    /** Body over the half-open range [from, to). */
    @FunctionalInterface
    interface Body {
        void run(int from, int to);
    }

    private final ForkJoinPool pool;
    private final int threads;

    ParallelRange(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads > 1 ? new ForkJoinPool(this.threads) : null;
    }

    /** Runs {@code body} over [0, n); {@code costPerItem} (elements touched) decides whether to fork. */
    void run(int n, long costPerItem, Body body) {
        long work = (long) n * Math.max(1, costPerItem);
        if (pool == null || n < 2 || work < 1 << 15) {
            body.run(0, n);
            return;
        }
        int chunks = (int) Math.min(n, Math.min(threads * 4L, work >> 14));
        int per = (n + chunks - 1) / chunks;
        pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(c -> {
            int from = c * per;
            int to = Math.min(n, from + per);
            if (from < to) {
                body.run(from, to);
            }
        })).join();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
