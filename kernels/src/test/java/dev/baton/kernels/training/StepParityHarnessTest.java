package dev.baton.kernels.training;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The state copy of {@link StepParity} is complete: with the CPU at the same thread count on both
 * sides (bit-reproducible), the twin's step equals the trained model's exactly, on a NorMuon-only
 * step (0) and on an Adam step with accumulated gradients and moments (3).
 */
class StepParityHarnessTest {
    @Test
    void aCpuTwinOfACpuRunStepsIdentically(@TempDir Path work) {
        List<StepParity.Probe> probes;
        try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2)) {
            probes = StepParity.run(ops, k, work, new int[] {0, 3}, 2, 0.0);
        }
        assertEquals(2, probes.size());
        for (StepParity.Probe p : probes) {
            System.out.print(p.report());
            assertEquals(0.0, p.lossRel(), "loss at step " + p.step());
            assertEquals(0.0, StepParity.Probe.worst(p.yarn()), "yarn at step " + p.step());
            assertEquals(0.0, StepParity.Probe.worst(p.grads()), "gradients at step " + p.step());
            assertEquals(0.0, StepParity.Probe.worst(p.updates()), "updates at step " + p.step());
            assertEquals(0.0, StepParity.Probe.worst(p.optimizerUpdates()), "optimizer at step " + p.step());
        }
    }
}
