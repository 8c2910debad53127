package dev.baton.kernels.training;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How far rounding-sized differences carry over {@link TinyTraining}'s 200 steps on the GPU: the
 * run repeated with every initial weight multiplied by 1 + 1e-7·u (three seeds), next to the
 * unperturbed run and the committed CPU curve. If the GPU–CPU gap of the curve test is chaotic
 * amplification of the backends' last-bit differences ({@link TinyStepParityGpuTest} finds no
 * larger one-step difference), perturbed GPU runs part from the unperturbed one as far as the
 * GPU run parts from the CPU's: the fp32 assertion says the spread reaches at least a quarter of
 * that gap. The bf16 runs are printed for comparison.
 *
 * <p>H100, first run (about 27 s): fp32 unperturbed vs CPU worst 10-step mean +0.84% (last 50 steps
 * +0.08%); the three perturbed runs vs the unperturbed one -1.8%, +0.6%, -2.5% (last 50: -0.8%,
 * +0.3%, -1.7%). bf16 unperturbed vs CPU -2.9% (last 50 -1.8%), perturbed vs CPU -1.5%, -1.3%,
 * +0.9% (last 50 -1.3%, -0.9%, -0.1%).
 */
@GpuTest
class TinyTrainingSpreadGpuTest {
    private static final int WINDOW = 10;
    private static final double PERTURBATION = 1e-7;
    private static final long[] SEEDS = {1, 2, 3};

    @Test
    void fp32GapToTheCpuCurveIsOfTheSizeOfRoundingChaos(@TempDir Path work) {
        double[] cpu = TinyTraining.committedCurve();
        double gap = 0;
        double spread = 0;
        for (DType precision : new DType[] {DType.F32, DType.BF16}) {
            try (CudaOps ops = CudaOps.open(0, precision); CudaOptimizerKernels k = new CudaOptimizerKernels(ops)) {
                double[] base = TinyTraining.losses(ops, k, work, TinyTraining.STEPS);
                double g = worstWindow(base, cpu);
                System.out.printf("[spread %s] unperturbed vs cpu: worst 10-step mean %+.2e, last 50 %+.2e%n",
                        precision, g, tail(base, cpu));
                double s = 0;
                for (long seed : SEEDS) {
                    double[] run = TinyTraining.losses(ops, k, work, TinyTraining.STEPS, PERTURBATION, seed);
                    double w = worstWindow(run, base);
                    s = Math.max(s, Math.abs(w));
                    System.out.printf("[spread %s] seed %d vs unperturbed: worst 10-step mean %+.2e, last 50 %+.2e;"
                            + " vs cpu: worst %+.2e, last 50 %+.2e%n", precision, seed, w, tail(run, base),
                            worstWindow(run, cpu), tail(run, cpu));
                }
                if (precision == DType.F32) {
                    gap = Math.abs(g);
                    spread = s;
                }
            }
        }
        assertTrue(spread >= 0.25 * gap, "fp32: perturbed runs spread " + spread + " vs the GPU-CPU gap " + gap);
    }

    /** The 10-step window mean of a relative to b with the largest magnitude, signed. */
    private static double worstWindow(double[] a, double[] b) {
        double worst = 0;
        for (int start = 0; start < b.length; start += WINDOW) {
            double rel = (mean(a, start, start + WINDOW) - mean(b, start, start + WINDOW)) / mean(b, start, start + WINDOW);
            if (Math.abs(rel) > Math.abs(worst)) {
                worst = rel;
            }
        }
        return worst;
    }

    private static double tail(double[] a, double[] b) {
        double mb = mean(b, b.length - 50, b.length);
        return (mean(a, a.length - 50, a.length) - mb) / mb;
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }
}
