package dev.baton.runtime.golf;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golf weights files: weights and their average, checkpoint folders, and the mismatch messages. */
class GolfWeightsTest {
    private static final GolfConfig CONFIG = GolfConfig.of(64, 2, 16, 4, 2, 2);

    @TempDir
    Path dir;

    @Test
    void weightsAndTheirAverageRoundTripThroughOneFile() throws Exception {
        try (CpuOps ops = new CpuOps(1); ParamSet params = GolfParams.create(ops, CONFIG, 1)) {
            WeightEma ema = WeightEma.of(ops, params, 0.5);
            List<StateTensor> before = StateTensor.of(ops, params);
            ops.fill(params.get(GolfParams.SKIP_WEIGHTS).value(), 3f);
            ema.update(ops, params);   // skip weights average: 0.5 * 1 + 0.5 * 3 = 2
            Path file = dir.resolve("step-00000007").resolve(GolfWeights.WEIGHTS_FILE);
            GolfWeights.save(file, ops, params, ema, Map.of("step", "7"));
            Files.writeString(dir.resolve("latest"), "step-00000007\n");

            assertEquals(file, GolfWeights.resolve(dir));
            assertEquals(file, GolfWeights.resolve(file.getParent()));
            assertTrue(GolfWeights.hasEma(file));
            List<StateTensor> weights = GolfWeights.read(file, CONFIG, false);
            List<StateTensor> average = GolfWeights.read(file, CONFIG, true);
            assertEquals(GolfParams.shapes(CONFIG).keySet().stream().toList(),
                    weights.stream().map(StateTensor::name).toList());
            assertEquals(3f, weights.get(0).values()[5]);
            assertEquals(2f, average.get(0).values()[5]);
            assertArrayEquals(before.get(1).values(), average.get(1).values(), "tok_emb did not move");

            try (ParamSet other = GolfParams.allocate(ops, CONFIG)) {
                GolfWeights.load(average, other, ops);
                assertArrayEquals(average.get(0).values(), ops.download(other.get(GolfParams.SKIP_WEIGHTS).value()));
            }
        }
    }

    @Test
    void aFileOfAnotherModelIsRefusedWithEveryDifference() {
        Path file = dir.resolve("w.safetensors");
        try (CpuOps ops = new CpuOps(1); ParamSet params = GolfParams.create(ops, CONFIG, 1)) {
            GolfWeights.save(file, ops, params, null, Map.of());
        }
        assertFalse(GolfWeights.hasEma(file));
        CheckpointException noEma = assertThrows(CheckpointException.class, () -> GolfWeights.read(file, CONFIG, true));
        assertTrue(noEma.getMessage().contains("holds no weight average"), noEma.getMessage());
        CheckpointException wrong = assertThrows(CheckpointException.class,
                () -> GolfWeights.read(file, GolfConfig.of(64, 3, 16, 4, 2, 2), false));
        assertTrue(wrong.getMessage().contains("missing blocks.2.attn.c_q.weight (16, 16)"), wrong.getMessage());
        CheckpointException shapes = assertThrows(CheckpointException.class,
                () -> GolfWeights.read(file, GolfConfig.of(64, 2, 16, 4, 4, 2), false));
        assertTrue(shapes.getMessage().contains("blocks.0.attn.c_k.weight is [8, 16] in the file but (16, 16)"),
                shapes.getMessage());
        CheckpointException missing = assertThrows(CheckpointException.class,
                () -> GolfWeights.resolve(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("no such file or folder"), missing.getMessage());
    }
}
