package dev.baton.kernels.training;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed CPU curve of {@link TinyTraining} is what this code computes: its first steps
 * recomputed on CpuOps (2 threads, as the curve was made; the CPU kernels are bit-reproducible)
 * equal the file to its printed precision. The GPU test compares against the file.
 */
class TinyTrainingCurveTest {
    private static final int STEPS = 3;

    @Test
    void committedCurveIsReproduced(@TempDir Path work) {
        double[] curve = TinyTraining.committedCurve();
        assertEquals(TinyTraining.STEPS, curve.length);
        assertTrue(curve[curve.length - 1] < 0.6 * curve[0], "the curve shows learning");
        double[] now;
        try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2)) {
            now = TinyTraining.losses(ops, k, work, STEPS);
        }
        for (int s = 0; s < STEPS; s++) {
            assertEquals(curve[s], now[s], 1e-9, "step " + s);
        }
    }
}
