package dev.baton.runtime.train;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.data.StepPlan;

/** A step plan's batches materialised as {@code [microStep][rank]}, the form executors take. */
public final class MicroBatches {
    private MicroBatches() {
    }

    /** Copies the tokens of every slice of {@code plan}. */
    public static Batch[][] of(StepPlan plan) {
        Batch[][] out = new Batch[plan.accumSteps()][plan.worldSize()];
        for (int a = 0; a < plan.accumSteps(); a++) {
            for (int r = 0; r < plan.worldSize(); r++) {
                out[a][r] = plan.batch(a, r);
            }
        }
        return out;
    }

    /** Number of slices (ranks × micro-steps). */
    static int count(Batch[][] batches) {
        int n = 0;
        for (Batch[] micro : batches) {
            n += micro.length;
        }
        return n;
    }
}
