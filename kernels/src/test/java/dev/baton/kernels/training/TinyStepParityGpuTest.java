package dev.baton.kernels.training;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One step of {@link TinyTraining} from identical state on CudaOps' fp32 reference mode and on
 * CpuOps ({@link StepParity}), at steps across the schedule's phases: 0 and 3 (2048 tokens, long
 * window 3 blocks, three MTP weights; 3 an Adam step), 45 and 50 (where the 200-step curves part),
 * 64 (first YaRN transition, 4096 tokens, two MTP weights), 127 (second transition, 6144 tokens,
 * next-token loss, the untie), 131 (untied Adam step), 191 and 197 (extension windows of 13
 * blocks, lr floor, momentum cooldown). The loss must agree to 1e-5 (relative), every gradient
 * and every weight update to 1e-3 of its tensor's largest value, the YaRN tables to 1e-6.
 */
@GpuTest
class TinyStepParityGpuTest {
    private static final int[] PROBES = {0, 3, 45, 50, 64, 127, 131, 191, 197};

    @Test
    void oneStepFromTheSameStateMatchesTheCpuAtEveryPhase(@TempDir Path work) {
        int threads = Math.max(2, Math.min(16, Runtime.getRuntime().availableProcessors()));
        List<StepParity.Probe> probes;
        try (CudaOps ops = CudaOps.open(0, DType.F32); CudaOptimizerKernels k = new CudaOptimizerKernels(ops)) {
            long t0 = System.nanoTime();
            probes = StepParity.run(ops, k, work, PROBES, threads);
            System.out.printf("[parity] %d probes on %s, cpu twin on %d threads, in %.1f s%n", probes.size(),
                    ops.device().properties().describe(), threads, (System.nanoTime() - t0) / 1e9);
        }
        assertEquals(PROBES.length, probes.size());
        StringBuilder all = new StringBuilder();
        for (StepParity.Probe p : probes) {
            all.append(p.report());
        }
        System.out.print(all);
        for (StepParity.Probe p : probes) {
            String at = "step " + p.step() + "\n" + p.report();
            assertTrue(p.lossRel() <= 1e-5, "loss at " + at);
            assertTrue(StepParity.Probe.worst(p.yarn()) <= 1e-6, "yarn at " + at);
            assertTrue(StepParity.Probe.worst(p.grads()) <= 1e-3, "gradients at " + at);
            assertTrue(StepParity.Probe.worst(p.updates()) <= 1e-3, "updates at " + at);
        }
    }
}
