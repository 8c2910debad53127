package dev.baton.actors.work;

import dev.baton.runtime.data.Batch;

import java.util.Map;

/**
 * Where the run's data comes from: the micro-batches of each step for each rank, validation
 * batches, and a position that checkpoints keep so that a resumed run reads the same data.
 */
public interface BatchSource {
    /**
     * The batches of {@code step} for {@code world} ranks as {@code [microStep][rank]}; the
     * number of micro-steps is the gradient accumulation of this step.
     */
    Batch[][] next(long step, int world);

    /** Validation batches as {@code [k][rank]}; empty when there is no validation set. */
    default Batch[][] validation(int world) {
        return new Batch[0][];
    }

    /** The read position after the last {@link #next}, as named integers. */
    Map<String, Long> position();

    /** Continues from a position returned by {@link #position()}. */
    void restore(Map<String, Long> position);
}
