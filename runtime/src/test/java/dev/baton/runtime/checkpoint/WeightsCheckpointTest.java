package dev.baton.runtime.checkpoint;

import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightsCheckpointTest {
    @TempDir
    Path dir;

    private static final GptConfig MICRO = GptConfig.standard(128, LayerLayout.micro(), 16, 2, 8);

    @Test
    void savesAndLoadsEveryParameterUnderTheRecordNames() {
        try (CpuOps ops = new CpuOps(2); ParamSet a = GptParams.create(ops, MICRO, 1); ParamSet b = GptParams.allocate(ops, MICRO)) {
            Path p = dir.resolve("weights.safetensors");
            WeightsCheckpoint.save(p, a, ops, Map.of("step", "0"));
            assertEquals("0", WeightsCheckpoint.metadata(p).get("step"));
            assertEquals(WeightsCheckpoint.FORMAT, WeightsCheckpoint.metadata(p).get(WeightsCheckpoint.FORMAT_KEY));
            try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
                assertTrue(f.contains("lm_head") && f.contains("value_embeds.1") && f.contains("attn_bank"));
                assertArrayEquals(new int[] {16, 128}, f.entry("lm_head").shape());
            }
            WeightsCheckpoint.load(p, b, ops);
            for (Param pa : a.all()) {
                assertArrayEquals(ops.download(pa.value()), ops.download(b.get(pa.name()).value()), pa.name());
            }
        }
    }

    @Test
    void mismatchListsEveryDifferenceAndLoadsNothing() {
        GptConfig wider = GptConfig.standard(256, LayerLayout.micro(), 16, 2, 8);
        try (CpuOps ops = new CpuOps(2); ParamSet a = GptParams.create(ops, MICRO, 1);
             ParamSet b = GptParams.allocate(ops, wider)) {
            Path p = dir.resolve("weights.safetensors");
            WeightsCheckpoint.save(p, a, ops, Map.of());
            CheckpointException e = assertThrows(CheckpointException.class, () -> WeightsCheckpoint.load(p, b, ops));
            String m = e.getMessage();
            assertTrue(m.startsWith(p.toString()), m);
            assertTrue(m.contains("embed is (128, 16) in the file but (256, 16) in the model"), m);
            assertTrue(m.contains("lm_head is (16, 128) in the file but (16, 256) in the model"), m);
            float[] untouched = ops.download(b.get(GptParams.SCALARS).value());
            assertEquals(0f, untouched[0]);
        }
    }

    @Test
    void missingAndUnexpectedNamesAreReported() throws Exception {
        try (CpuOps ops = new CpuOps(2); ParamSet a = GptParams.allocate(ops, MICRO)) {
            Path p = dir.resolve("partial.safetensors");
            new SafeTensorsWriter().putFloats("scalars", new int[] {16}, new float[16])
                    .putFloats("wte", new int[] {1}, new float[1]).write(p);
            String m = assertThrows(CheckpointException.class, () -> WeightsCheckpoint.load(p, a, ops)).getMessage();
            assertTrue(m.contains("missing embed (128, 16)"), m);
            assertTrue(m.contains("unexpected wte (1)"), m);
            assertTrue(Files.exists(p));
        }
    }
}
