package dev.baton.kernels.training;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.kernels.testing.GpuTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiny configuration ({@link TinyTraining}) trained for 200 steps on the GPU in the record's
 * precision follows the committed fp32 CPU curve within 1%: every mean over 10 consecutive steps
 * (the curve, not one step's batch noise) within 1% relative, and the last 50 steps' mean within
 * 1%; the worst single step is printed. The run must also learn: the last 10 steps' mean below
 * 60% of the first 10's.
 */
@GpuTest
class TinyTrainingGpuTest {
    private static final int WINDOW = 10;

    @Test
    void twoHundredStepsFollowTheCpuCurveWithinOnePercent(@TempDir Path work) {
        double[] cpu = TinyTraining.committedCurve();
        assertEquals(TinyTraining.STEPS, cpu.length);
        double[] gpu;
        try (CudaOps ops = CudaOps.open(0); CudaOptimizerKernels k = new CudaOptimizerKernels(ops)) {
            long t0 = System.nanoTime();
            gpu = TinyTraining.losses(ops, k, work, TinyTraining.STEPS);
            System.out.printf("[tiny] %d steps on %s in %.1f s%n", TinyTraining.STEPS, ops.device().properties().describe(),
                    (System.nanoTime() - t0) / 1e9);
        }
        StringBuilder report = new StringBuilder();
        double worstWindow = 0;
        double worstStep = 0;
        for (int s = 0; s < cpu.length; s++) {
            worstStep = Math.max(worstStep, Math.abs(gpu[s] - cpu[s]) / cpu[s]);
        }
        for (int start = 0; start < cpu.length; start += WINDOW) {
            double c = mean(cpu, start, start + WINDOW);
            double g = mean(gpu, start, start + WINDOW);
            double rel = Math.abs(g - c) / c;
            worstWindow = Math.max(worstWindow, rel);
            report.append(String.format("steps %3d-%3d: cpu %.5f gpu %.5f (rel %.2e)%n", start, start + WINDOW - 1, c, g, rel));
        }
        double tailCpu = mean(cpu, cpu.length - 50, cpu.length);
        double tailGpu = mean(gpu, gpu.length - 50, gpu.length);
        System.out.print(report);
        System.out.printf("[tiny] worst 10-step mean %.2e, worst single step %.2e, last 50 steps %.5f vs %.5f (%.2e)%n",
                worstWindow, worstStep, tailGpu, tailCpu, Math.abs(tailGpu - tailCpu) / tailCpu);
        assertTrue(worstWindow <= 0.01, report.toString());
        assertTrue(Math.abs(tailGpu - tailCpu) / tailCpu <= 0.01, "last 50 steps: " + tailGpu + " vs " + tailCpu);
        assertTrue(mean(gpu, gpu.length - WINDOW, gpu.length) < 0.6 * mean(gpu, 0, WINDOW), "the GPU run learns");
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }
}
