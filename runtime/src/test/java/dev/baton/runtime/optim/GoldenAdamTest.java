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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Adam updates of the golden run's small, fully stored parameters: from the initial weights,
 * replaying every Adam step of the record-small schedule with the stored gradients reproduces the
 * stored weights and Adam moments after every step (PyTorch fp32, reference/golden.py). The
 * stored gradient of an Adam step is the two-step sum the optimizer saw.
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
                        String st = "step." + s + ".state." + name;
                        assertClose(golden.floats(st + ".exp_avg"), ops.download(state.expAvg()), st + ".exp_avg");
                        assertClose(golden.floats(st + ".exp_avg_sq"), ops.download(state.expAvgSq()), st + ".exp_avg_sq");
                        assertEquals(golden.ints(st + ".step")[0], state.step(), st + ".step");
                    }
                    float[] want = golden.floats("step." + s + ".param." + name);
                    float[] got = ops.download(p);
                    assertArrayEquals(want, got, 1e-6f, name + " after step " + s);
                }
                assertEquals(4, state.step(), "four Adam steps in 8");
            }
        }
    }

    /** fp32 rounding of the same operations: 1e-6 relative (moments span many magnitudes). */
    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6 * Math.max(1e-3, Math.abs(want[i])), what + "[" + i + "]");
        }
    }
}
