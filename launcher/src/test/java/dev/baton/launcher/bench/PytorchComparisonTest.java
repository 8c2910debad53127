package dev.baton.launcher.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PyTorch side's result is its last {"impl":"pytorch",...} line; the command carries phase and steps. */
class PytorchComparisonTest {
    @Test
    void readsTheLastPytorchLine() {
        Optional<PytorchComparison.Result> r = PytorchComparison.parse(List.of(
                "compiling...",
                "{\"impl\":\"pytorch\",\"ms_per_step\":900.0,\"tokens_per_s\":1000}",
                "{\"impl\":\"other\",\"ms_per_step\":1.0,\"tokens_per_s\":2}",
                "{\"impl\":\"pytorch\",\"ms_per_step\":812.5,\"tokens_per_s\":483958.2,\"phase\":2}",
                "done"));
        assertTrue(r.isPresent());
        assertEquals(812.5, r.get().msPerStep(), 0);
        assertEquals(483958.2, r.get().tokensPerSecond(), 0);
    }

    @Test
    void noResultLineNoResult() {
        assertTrue(PytorchComparison.parse(List.of("Traceback (most recent call last):", "{not json \"impl\"")).isEmpty());
    }

    @Test
    void commandPassesPhaseStepsWarmupAndSeed() {
        assertEquals(List.of("python3", "reference/bench/model_bench.py", "--phase", "2", "--steps", "10", "--warmup", "3",
                "--seed", "2026"), PytorchComparison.command("python3", Path.of("reference/bench/model_bench.py"), 2, 10, 3, 2026));
    }
}
