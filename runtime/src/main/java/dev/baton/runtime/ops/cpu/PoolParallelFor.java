package dev.baton.runtime.ops.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * A {@link ParallelFor} over a ForkJoinPool it owns: the index range is split in halves down
 * to a grain of about a quarter of an index range per thread, so work stealing evens out
 * unequal bodies without paying a task per index.
 */
final class PoolParallelFor implements ParallelFor, AutoCloseable {
    private final ForkJoinPool pool;
    private final int threads;

    PoolParallelFor(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = new ForkJoinPool(this.threads);
    }

    @Override
    public int parallelism() {
        return threads;
    }

    @Override
    public void forEach(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        if (threads == 1 || count == 1) {
            ParallelFor.SERIAL.forEach(count, body);
            return;
        }
        int grain = Math.max(1, count / (4 * threads));
        pool.invoke(new Range(body, 0, count, grain));
    }

    @Override
    public void close() {
        pool.shutdown();
    }

    /** One half-open slice of the index range. */
    private static final class Range extends RecursiveAction {
        private final IntConsumer body;
        private final int lo;
        private final int hi;
        private final int grain;

        Range(IntConsumer body, int lo, int hi, int grain) {
            this.body = body;
            this.lo = lo;
            this.hi = hi;
            this.grain = grain;
        }

        @Override
        protected void compute() {
            if (hi - lo <= grain) {
                for (int i = lo; i < hi; i++) {
                    body.accept(i);
                }
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Range(body, lo, mid, grain), new Range(body, mid, hi, grain));
        }
    }
}
