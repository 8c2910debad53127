package dev.baton.actors.cuda;

import dev.baton.actors.run.DeviceBackend;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.actors.training.GptWorkFactory;
import dev.baton.actors.training.TrainingStepSchedule;
import dev.baton.actors.work.BatchSource;
import dev.baton.actors.work.WorkFactory;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.train.TrainingConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The actor runtime unchanged on the CUDA backend (W = 1: a DeviceWorker whose compute and comm
 * streams are CUDA streams, NCCL with one rank): GOLDEN.md's record-small trained for its 8 steps
 * (the golden batches, YaRN, Adam on odd steps, the tie and the untie) through the actors on the
 * GPU in the record's precision, and the same through the actors on a CPU device in fp32. Each
 * step's training loss on the GPU equals the CPU's within 2e-3 relative (bf16 weights and
 * activations; measured figures are printed), and the CPU's equals the golden file's within 1e-5.
 */
@GpuTest
class CudaActorsGpuTest {
    private static final TrainingConfig CONFIG = TrainingConfig.recordSmall();
    private static final TrainingSchedule SCHEDULE = new TrainingSchedule(CONFIG.schedule());
    private static final int MAX_TOKENS = 256;
    private static final double BF16_TOLERANCE = 2e-3;

    @Test
    void recordSmallThroughTheActorsOnCudaFollowsTheCpuRun() throws IOException {
        Path copy = Files.createTempFile("record-small", ".safetensors");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("golden/record-small.safetensors")) {
            assertNotNull(in, "the golden file is copied into the test classes");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        int steps = SCHEDULE.numIterations();
        Batch[] batches = new Batch[steps];
        double[] golden = new double[steps];
        try (SafeTensorsFile g = SafeTensorsFile.open(copy)) {
            for (int s = 0; s < steps; s++) {
                batches[s] = new Batch(g.ints("batch." + s + ".inputs"), g.ints("batch." + s + ".targets"),
                        g.ints("batch." + s + ".cu_seqlens"));
                golden[s] = g.doubles("step." + s + ".loss")[0] / batches[s].length();
            }
        } finally {
            Files.deleteIfExists(copy);
        }
        GptWorkFactory cpu = new GptWorkFactory(CONFIG.model(), CONFIG.table(), SCHEDULE, CONFIG.adam(), CONFIG.normuon(),
                CONFIG.seed(), MAX_TOKENS, 2);
        Map<Long, Double> onCpu = run(cpu, DeviceBackend.cpu(), batches);
        Map<Long, Double> onGpu;
        try (CudaBackend backend = CudaBackend.open(0)) {
            onGpu = run(new CudaGptWork(backend, cpu), backend, batches);
        }
        assertEquals(steps, onCpu.size());
        assertEquals(steps, onGpu.size());
        StringBuilder report = new StringBuilder();
        double worst = 0;
        for (int s = 0; s < steps; s++) {
            double c = onCpu.get((long) s);
            double gpu = onGpu.get((long) s);
            double rel = Math.abs(gpu - c) / Math.abs(c);
            worst = Math.max(worst, rel);
            report.append(String.format("step %d: golden %.6f cpu %.6f cuda %.6f (rel %.2e)%n", s, golden[s], c, gpu, rel));
            assertEquals(golden[s], c, 1e-5 * golden[s], "CPU actors vs the golden loss at step " + s);
        }
        System.out.print(report);
        System.out.printf("[cuda-actors] worst relative loss difference GPU vs CPU over %d steps: %.2e%n", steps, worst);
        assertTrue(worst <= BF16_TOLERANCE, report.toString());
    }

    /** Per-step training losses of a W = 1 run of {@code work} on {@code backend}, the golden batches in order. */
    private static Map<Long, Double> run(WorkFactory work, DeviceBackend backend, Batch[] batches) {
        Map<Long, Double> losses = new ConcurrentHashMap<>();
        RunListener listener = new RunListener() {
            @Override
            public void stepDone(StepReport r) {
                losses.put(r.step(), r.loss());
            }
        };
        BatchSource data = new BatchSource() {
            @Override
            public Batch[][] next(long step, int world) {
                return new Batch[][] {{batches[(int) step]}};
            }

            @Override
            public Map<String, Long> position() {
                return Map.of();
            }

            @Override
            public void restore(Map<String, Long> position) {
            }
        };
        Workload workload = new Workload(work, data, CONFIG.table(), new TrainingStepSchedule(SCHEDULE));
        RunSettings settings = RunSettings.defaults(1, batches.length).withTimeouts(Duration.ofSeconds(60),
                Duration.ofSeconds(30));
        try (TrainingRun run = TrainingRun.start(settings, workload, backend, listener)) {
            RunResult r = run.await(Duration.ofSeconds(120));
            assertEquals(RunResult.Status.COMPLETED, r.status(), r.message());
        }
        return new TreeMap<>(losses);
    }
}
