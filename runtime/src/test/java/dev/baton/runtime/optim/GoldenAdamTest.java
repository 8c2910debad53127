package dev.baton.runtime.optim;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Adam updates of the golden run's small, fully stored parameters: from the initial weights,
 * replaying every Adam step of the record-small schedule with the stored gradients reproduces the
 * stored weights after every step (PyTorch fp32, reference/golden.py).
 */
class GoldenAdamTest {
    private static final List<String> SMALL = List.of("scalars", "x0_lambdas", "smear_gate", "skip_gate",
            "attn_gate_bank", "ve_gate_bank");

    @Test
    void smallAdamParamsFollowTheGoldenRun() throws IOException {
        GoldenFile golden = GoldenFile.load();
        assumeTrue(golden != null, "golden file " + GoldenFile.RESOURCE + " not present yet");
        TrainingSchedule schedule = new TrainingSchedule(ScheduleConfig.recordSmall());
        ParamTable table = ParamTable.record();
        try (CpuOps ops = new CpuOps(1); CpuOptimizerKernels k = new CpuOptimizerKernels(1)) {
            Adam adam = new Adam(k, AdamConfig.record());
            for (String name : SMALL) {
                Shape shape = Shape.of(golden.entry("init." + name).shape());
                Tensor p = ops.upload(golden.floats("init." + name), shape, DType.F32);
                AdamState state = new AdamState(ops, shape);
                for (int s = 0; s < schedule.numIterations(); s++) {
                    if (schedule.isAdamStep(s)) {
                        Tensor g = ops.upload(golden.floats("step." + s + ".grad." + name), shape, DType.F32);
                        adam.update(p, g, state, table.entry(name), schedule.lrFactor(s));
                    }
                    float[] want = golden.floats("step." + s + ".param." + name);
                    float[] got = ops.download(p);
                    assertArrayEquals(want, got, 1e-6f, name + " after step " + s);
                }
                assertTrue(state.step() == 4, "four Adam steps in 8");
            }
        }
    }
}
