package dev.baton.runtime.ops.cpu;

import java.util.function.IntConsumer;

/** Runs a body for every index of {@code [0, count)}, on a pool or on the calling thread. */
interface ParallelFor {
    /** How many threads may run bodies at once (sizes the task grid). */
    int parallelism();

    /** Returns once every index has run; a body's exception is rethrown here. */
    void forEach(int count, IntConsumer body);

    /** Every index on the calling thread, in order. */
    ParallelFor SERIAL = new ParallelFor() {
        @Override
        public int parallelism() {
            return 1;
        }

        @Override
        public void forEach(int count, IntConsumer body) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
        }
    };
}
