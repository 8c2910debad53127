package dev.baton.launcher.bench;

import dev.baton.actors.run.DeviceBackend;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.schedule.AttentionWindows;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.schedule.YarnTransition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's actor driver on a CPU device (the GPU run uses the CUDA backend the same way): an
 * untied phase unties after step 1 through the runtime's untie, every step of the run is timed,
 * and warm-up steps are reported apart from the timed ones.
 */
class ActorBenchTest {
    @Test
    void untiedPhaseRunsThroughTheActorsAndTimesEveryStep() {
        BenchModel m = new BenchModel(GptConfig.recordSmall(), ParamTable.record(), AdamConfig.record(),
                NorMuonConfig.record(), new TrainingSchedule(ScheduleConfig.recordSmall()), 7, 64, BenchModel.GPT2_BOS);
        BenchPhase phase = new BenchPhase(2, 7, 64, 2, new AttentionWindows(2, 4, 16), new float[] {1f}, 1.0, 0.95,
                false, List.of(new YarnTransition(3, 4)));
        Batch[] pool = SyntheticBatches.pool(4, 64, 7, 64, BenchModel.GPT2_BOS);
        StepTimes t = ActorBench.run(m, phase, pool, 2, 2, DeviceBackend.cpu(), new ActorBench.Devices() {
            @Override
            public Ops ops(int rank) {
                return new CpuOps(1);
            }

            @Override
            public OptimizerKernels kernels(Ops ops) {
                return new CpuOptimizerKernels(1);
            }
        });
        assertEquals(2, t.warmup().size());
        assertEquals(2, t.timed().size());
        assertTrue(t.min() > 0, "every step took time: " + t.timed());
    }
}
