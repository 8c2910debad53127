package dev.baton.kernels.training;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tiny configuration ({@link TinyTraining}) trained for 200 steps on the GPU against the
 * committed fp32 CPU curve, compared as means over 10 consecutive steps (the curve, not one step's
 * batch noise) and over the last 50 steps; the worst single step is printed.
 *
 * <ul>
 *   <li>CudaOps' fp32 reference mode (every kernel and GEMM on fp32 data): within 4%. Not the
 *       kernels' error: one step from identical state matches the CPU's loss to 1.4e-7 and every
 *       gradient to 1e-4 at every phase ({@link TinyStepParityGpuTest}), but NorMuon's Polar Express
 *       lifts last-bit differences into percent-sized update differences, and the run amplifies them:
 *       GPU runs whose initial weights differ by 1e-7 (relative) part from each other by up to 2.5%
 *       (10-step mean) and from the CPU curve by -1.8% to +1.0%, of both signs
 *       ({@link TinyTrainingSpreadGpuTest}; H100). The old 1% bound lay inside that spread.</li>
 *   <li>The record's precision (bf16 weights and activations; Adam's bf16 parameters rounded to
 *       nearest, without master weights, as the record keeps them): within 5%. On the H100 (first
 *       run) the bf16 curve ran 0.02-0.4% from the CPU's for 70 steps, then 0.6-2.9% below it,
 *       always below (a lower loss); see docs/bench.md.</li>
 * </ul>
 * Both runs must learn: the last 10 steps' mean below 60% of the first 10's.
 */
@GpuTest
class TinyTrainingGpuTest {
    private static final int WINDOW = 10;

    @Test
    void fp32ModeFollowsTheCpuCurveWithinFourPercent(@TempDir Path work) {
        compare(DType.F32, work, 0.04);
    }

    @Test
    void recordPrecisionFollowsTheCpuCurveWithinFivePercent(@TempDir Path work) {
        compare(DType.BF16, work, 0.05);
    }

    private static void compare(DType precision, Path work, double bound) {
        double[] cpu = TinyTraining.committedCurve();
        assertEquals(TinyTraining.STEPS, cpu.length);
        double[] gpu;
        try (CudaOps ops = CudaOps.open(0, precision); CudaOptimizerKernels k = new CudaOptimizerKernels(ops)) {
            long t0 = System.nanoTime();
            gpu = TinyTraining.losses(ops, k, work, TinyTraining.STEPS);
            System.out.printf("[tiny %s] %d steps on %s in %.1f s%n", precision, TinyTraining.STEPS,
                    ops.device().properties().describe(), (System.nanoTime() - t0) / 1e9);
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
            report.append(String.format("[tiny %s] steps %3d-%3d: cpu %.5f gpu %.5f (%+.2e)%n", precision, start,
                    start + WINDOW - 1, c, g, (g - c) / c));
        }
        double tailCpu = mean(cpu, cpu.length - 50, cpu.length);
        double tailGpu = mean(gpu, gpu.length - 50, gpu.length);
        double tail = Math.abs(tailGpu - tailCpu) / tailCpu;
        System.out.print(report);
        System.out.printf("[tiny %s] worst 10-step mean %.2e, worst single step %.2e, last 50 steps %.5f vs %.5f (%.2e)%n",
                precision, worstWindow, worstStep, tailGpu, tailCpu, tail);
        assertTrue(worstWindow <= bound, report.toString());
        assertTrue(tail <= bound, "last 50 steps: " + tailGpu + " vs " + tailCpu);
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
