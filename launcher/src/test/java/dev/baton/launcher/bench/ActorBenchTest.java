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
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bench's actor driver on CPU devices (the GPU run uses the CUDA backend the same way): an
 * untied phase unties after step 1 through the runtime's untie, every step of the run is timed,
 * and warm-up steps are reported apart from the timed ones. At W = 2 with half the accumulation
 * the steps train on the same global micro-batches: the printed losses equal the W = 1 run's,
 * and the recorded steps leave schedule files for replay.
 */
class ActorBenchTest {
    private static final ActorBench.Devices CPU = new ActorBench.Devices() {
        @Override
        public Ops ops(int rank) {
            return new CpuOps(1);
        }

        @Override
        public OptimizerKernels kernels(Ops ops) {
            return new CpuOptimizerKernels(1);
        }
    };

    private static BenchModel model() {
        return new BenchModel(GptConfig.recordSmall(), ParamTable.record(), AdamConfig.record(),
                NorMuonConfig.record(), new TrainingSchedule(ScheduleConfig.recordSmall()), 7, 64, BenchModel.GPT2_BOS);
    }

    private static BenchPhase phase(int accum) {
        return new BenchPhase(2, 7, 64, accum, new AttentionWindows(2, 4, 16), new float[] {1f}, 1.0, 0.95,
                false, List.of(new YarnTransition(3, 4)));
    }

    /** The losses of the "step N loss X ms Y" lines, by step. */
    private static Map<Integer, Double> losses(String text) {
        Map<Integer, Double> out = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^step (\\d+) loss (\\S+) ms (\\S+)$").matcher(text);
        while (m.find()) {
            out.put(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)));
            assertTrue(Double.parseDouble(m.group(3)) > 0, m.group());
        }
        return out;
    }

    @Test
    void twoRanksTrainOnTheSameGlobalBatchesAsOneAndRecordTheirSchedule(@TempDir Path dir) throws IOException {
        Batch[] pool = SyntheticBatches.pool(4, 64, 7, 64, BenchModel.GPT2_BOS);
        StringWriter one = new StringWriter();
        ActorBench.run(model(), phase(2), pool, 2, 2, DeviceBackend.cpu(),
                new ActorBench.Extras(1, null, new PrintWriter(one)), CPU);
        StringWriter two = new StringWriter();
        Path record = dir.resolve("schedule");
        StepTimes t = ActorBench.run(model(), phase(1), pool, 2, 2, DeviceBackend.cpu(),
                new ActorBench.Extras(2, record, new PrintWriter(two)), CPU);
        assertEquals(2, t.timed().size());

        Map<Integer, Double> w1 = losses(one.toString());
        Map<Integer, Double> w2 = losses(two.toString());
        assertEquals(List.of(0, 1, 2, 3), List.copyOf(w1.keySet()), one.toString());
        assertEquals(w1.keySet(), w2.keySet(), two.toString());
        for (int step : w1.keySet()) {
            assertEquals(w1.get(step), w2.get(step), 1e-4, "step " + step + ": W = 2 trains on W = 1's batches");
        }
        assertTrue(w1.get(3) < w1.get(0), "the model learns: " + w1);

        assertEquals(1, ActorBench.recordEvery(4));
        assertEquals(31, ActorBench.recordEvery(63));
        try (var files = Files.list(record)) {
            List<String> schedules = files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("schedule-step-"))
                    .sorted().toList();
            assertEquals(List.of("schedule-step-00000000.txt", "schedule-step-00000001.txt", "schedule-step-00000002.txt",
                    "schedule-step-00000003.txt"), schedules);
        }
        String schedule = Files.readString(record.resolve("schedule-step-00000003.txt"));
        assertTrue(schedule.contains("\nworld 2\n"), schedule.substring(0, Math.min(400, schedule.length())));
        assertTrue(schedule.contains("reduce_scatter"), "the step's collectives are recorded");
    }

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
