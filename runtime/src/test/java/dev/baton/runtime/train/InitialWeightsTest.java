package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.SafeTensorsWriter;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.schedule.TrainingSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --init-from}: weights written as safetensors (record names, as PyTorch reads and writes
 * them) start another device exactly where the first stood, and a file for another model is
 * refused with one message naming every mismatch.
 */
class InitialWeightsTest {
    @Test
    void weightsRoundTripAndTrainIdentically(@TempDir Path dir) {
        TrainingConfig a = TinyRun.config(16, 1);
        TrainingConfig b = TinyRun.config(16, 2);
        ShardSet[] shards = TinyRun.shards(dir, 9);
        TrainingSchedule schedule = new TrainingSchedule(a.schedule());
        Batch[][] batches = MicroBatches.of(new BatchLoader(shards[0], 2, 1, TinyRun.loader(), LoaderState.START)
                .nextStep(schedule.batchTokens(0)));
        Path file = dir.resolve("init.safetensors");
        double lossA;
        try (SingleDeviceExecutor exec = TinyRun.device(a)) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            exec.exportState().weights().forEach((name, t) -> w.putFloats(name, t.shape().dims(), t.values()));
            w.write(file);
            lossA = exec.train(StepSpec.of(schedule, 0), batches).sum();
        }
        try (SingleDeviceExecutor exec = TinyRun.device(b)) {
            float[] before = exec.exportState().weights().get(GptParams.ATTN_BANK).values();
            InitialWeights.load(file, exec);
            float[] after = exec.exportState().weights().get(GptParams.ATTN_BANK).values();
            assertNotEquals(before[0], after[0], "seed 2's init was replaced");
            assertEquals(lossA, exec.train(StepSpec.of(schedule, 0), batches).sum(), 0.0, "the same loss bit for bit");
        }
    }

    @Test
    void weightsOfAnotherModelAreRefusedWithEveryMismatch(@TempDir Path dir) {
        Path file = dir.resolve("other.safetensors");
        try (SingleDeviceExecutor other = TinyRun.device(TinyRun.config(32, 1))) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            other.exportState().weights().forEach((name, t) -> {
                if (!name.equals(GptParams.SKIP_GATE)) {
                    w.putFloats(name, t.shape().dims(), t.values());
                }
            });
            w.putFloats("extra", new int[] {2}, new float[2]);
            w.write(file);
        }
        try (SingleDeviceExecutor exec = TinyRun.device(TinyRun.config(16, 1))) {
            float[] before = exec.exportState().weights().get(GptParams.EMBED).values();
            CheckpointException e = assertThrows(CheckpointException.class, () -> InitialWeights.load(file, exec));
            assertTrue(e.getMessage().contains("embed is (128, 32) in the file but (128, 16) in the model"), e.getMessage());
            assertTrue(e.getMessage().contains("missing skip_gate"), e.getMessage());
            assertTrue(e.getMessage().contains("unexpected extra"), e.getMessage());
            assertArrayEquals(before, exec.exportState().weights().get(GptParams.EMBED).values(), "nothing loaded");
        }
    }
}
