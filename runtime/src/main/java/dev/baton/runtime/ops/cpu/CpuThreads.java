package dev.baton.runtime.ops.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The worker pool of one {@link CpuOps}: splits an index range into contiguous chunks and runs
 * them on every core. Small ranges run inline on the caller, where a fork would cost more than it
 * saves.
 */
final class CpuThreads implements AutoCloseable {
    /** A chunk of work over indices {@code [start, end)}. */
    @FunctionalInterface
    interface Range {
        void run(int start, int end);
    }

    private final ForkJoinPool pool;
    private final int threads;

    CpuThreads(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = new ForkJoinPool(this.threads);
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} indices (about four
     * chunks per thread when the range is large), returning when every chunk has finished.
     */
    void parallelFor(int n, int grain, Range body) {
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        if (threads == 1 || n <= g) {
            body.run(0, n);
            return;
        }
        int chunk = Math.max(g, (n + threads * 4 - 1) / (threads * 4));
        pool.invoke(new Split(body, 0, n, chunk));
    }

    /** Number of chunks {@link #chunks} would produce, for per-chunk partial results. */
    int chunkCount(int n, int grain) {
        if (n <= 0) {
            return 0;
        }
        int chunk = chunkSize(n, grain);
        return (n + chunk - 1) / chunk;
    }

    /**
     * Runs {@code body.run(c, start, end)} for chunk c of a fixed partition of {@code [0, n)}, so
     * that each chunk can write its own partial sum into slot c.
     */
    void chunks(int n, int grain, IndexedRange body) {
        if (n <= 0) {
            return;
        }
        int chunk = chunkSize(n, grain);
        int count = (n + chunk - 1) / chunk;
        parallelFor(count, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int s = c * chunk;
                body.run(c, s, Math.min(n, s + chunk));
            }
        });
    }

    /** A chunk of work that knows its chunk number. */
    @FunctionalInterface
    interface IndexedRange {
        void run(int chunk, int start, int end);
    }

    private int chunkSize(int n, int grain) {
        int g = Math.max(1, grain);
        if (threads == 1 || n <= g) {
            return n;
        }
        return Math.max(g, (n + threads * 4 - 1) / (threads * 4));
    }

    @Override
    public void close() {
        pool.shutdown();
    }

    private static final class Split extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final transient Range body;
        private final int start;
        private final int end;
        private final int chunk;

        Split(Range body, int start, int end, int chunk) {
            this.body = body;
            this.start = start;
            this.end = end;
            this.chunk = chunk;
        }

        @Override
        protected void compute() {
            if (end - start <= chunk) {
                body.run(start, end);
                return;
            }
            int mid = start + (end - start) / 2;
            invokeAll(new Split(body, start, mid, chunk), new Split(body, mid, end, chunk));
        }
    }
}
