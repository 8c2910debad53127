package dev.baton.launcher.bench;

import dev.baton.runtime.model.golf.GolfConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golf bench's FLOP count (by hand for the baseline), the PyTorch side's command line, and
 * the result line that reference/golf/golf_pytorch_bench.py printed on the H100 run.
 */
class GolfBenchTest {
    @Test
    void flopsOfTheBaselineStepCountEveryMatrixProductAndTheCausalPairs() {
        GolfConfig c = GolfConfig.baseline();
        // per block: c_q 512², c_k and c_v 256·512, proj 512², fc 1024·512, mlp proj 512·1024
        long block = 262_144 + 2 * 131_072 + 262_144 + 2 * 524_288;
        long matrices = 9 * block + 1024L * 512; // + the tied head
        assertEquals(17_039_360, matrices);
        double pairs = 512 * (1024.0 * 1025 / 2); // 512 sequences of 1024 per 524,288-token step
        double expected = 6.0 * matrices * 524_288 + 12.0 * 64 * 8 * pairs;
        assertEquals(expected, GolfBench.flopsPerStep(c, 1024, 524_288), 1.0);
        assertEquals(55.25, GolfBench.flopsPerStep(c, 1024, 524_288) / 1e12, 0.005);
    }

    @Test
    void pytorchCommandPassesStepsSeedVocabAndTheOptionalTokenizerSources() {
        assertEquals(List.of("python3", "s.py", "--train-gpt", "t.py", "--steps", "10", "--warmup", "3", "--seed", "7",
                        "--vocab", "1024"),
                GolfBench.pytorchCommand("python3", Path.of("s.py"), Path.of("t.py"), 10, 3, 7, 1024, null, null));
        List<String> c = GolfBench.pytorchCommand("python3", Path.of("s.py"), Path.of("t.py"), 10, 3, 7, 384,
                Path.of("kjv.txt.gz"), Path.of("sp.model"));
        assertEquals(List.of("--corpus", "kjv.txt.gz", "--fallback-model", "sp.model"), c.subList(c.size() - 4, c.size()));
    }

    @Test
    void theGolfScriptsResultLineParses() {
        Optional<PytorchComparison.Result> r = PytorchComparison.parse(List.of(
                "step:10/10 train_loss:6.9435 train_time:3504ms step_avg:350.37ms",
                "{\"impl\": \"pytorch\", \"script\": \"parameter-golf train_gpt.py\", \"ms_per_step\": 350.37, "
                        + "\"tokens_per_s\": 1496383.8228158802, \"steps\": 10, \"warmup\": 3, \"vocab\": 1024, "
                        + "\"train_loss\": 6.9435, \"peak_memory\": \"peak memory allocated: 10940 MiB reserved: "
                        + "11016 MiB\", \"wall_s\": 116.8}"));
        assertTrue(r.isPresent());
        assertEquals(350.37, r.get().msPerStep(), 0);
        assertEquals(1496383.8228158802, r.get().tokensPerSecond(), 1e-6);
    }
}
