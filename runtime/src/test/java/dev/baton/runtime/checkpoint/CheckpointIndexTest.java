package dev.baton.runtime.checkpoint;

import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.LayerLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code index.json}: every field round-trips; a missing, foreign or corrupt index is one message
 * naming the file; fingerprints of two models name exactly the fields that differ.
 */
class CheckpointIndexTest {
    private static final GptConfig SMALL = GptConfig.standard(128, LayerLayout.micro(), 16, 2, 8);

    @Test
    void everyFieldRoundTrips(@TempDir Path dir) {
        Map<String, CheckpointIndex.ParamInfo> params = new LinkedHashMap<>();
        params.put("attn", new CheckpointIndex.ParamInfo("bank", new int[] {3, 64, 16}, 12, 12,
                List.of(new int[] {0, 6}, new int[] {6, 12})));
        params.put("scalars", new CheckpointIndex.ParamInfo("replicated", new int[] {40}, 1, 1, List.of()));
        Map<String, Long> data = new LinkedHashMap<>();
        data.put("epoch", 1L);
        data.put("shard", 0L);
        data.put("cursor", 81234L);
        CheckpointIndex index = new CheckpointIndex(120, 2, params, data, 4096, 777, true, ModelFingerprint.of(SMALL));
        index.write(dir);
        CheckpointIndex back = CheckpointIndex.read(dir);
        assertEquals(120, back.nextStep());
        assertEquals(2, back.world());
        assertEquals(data, back.data());
        assertEquals(List.of("attn", "scalars"), List.copyOf(back.params().keySet()));
        assertArrayEquals(new int[] {6, 12}, back.param("attn", dir).ranges().get(1));
        assertArrayEquals(new int[] {3, 64, 16}, back.param("attn", dir).shape());
        assertFalse(back.param("scalars", dir).sharded());
        assertEquals(4096, back.tokens());
        assertEquals(777, back.elapsedMillis());
        assertTrue(back.pendingGradients());
        assertEquals(ModelFingerprint.of(SMALL), back.model());
        assertEquals(ModelFingerprint.of(SMALL).digest(), back.model().digest());
        CheckpointException e = assertThrows(CheckpointException.class, () -> back.param("mlp", dir));
        assertTrue(e.getMessage().contains("no parameter 'mlp'"), e.getMessage());
    }

    @Test
    void aMissingForeignOrCorruptIndexIsOneMessageNamingIt(@TempDir Path dir) throws IOException {
        assertTrue(assertThrows(CheckpointException.class, () -> CheckpointIndex.read(dir.resolve("nope"))).getMessage()
                .contains("checkpoint " + dir.resolve("nope") + " does not exist"));
        assertTrue(assertThrows(CheckpointException.class, () -> CheckpointIndex.read(dir)).getMessage()
                .contains(dir + " is not a complete checkpoint"));
        Files.writeString(dir.resolve(CheckpointIndex.FILE), "{\"format\": \"something else\"}");
        assertTrue(assertThrows(CheckpointException.class, () -> CheckpointIndex.read(dir)).getMessage()
                .contains("index.json is not a Baton checkpoint index"));
        Files.writeString(dir.resolve(CheckpointIndex.FILE), "{\"format\": ");
        assertTrue(assertThrows(CheckpointException.class, () -> CheckpointIndex.read(dir)).getMessage()
                .contains("is corrupt"));
        Files.writeString(dir.resolve(CheckpointIndex.FILE), "{\"format\": \"baton-checkpoint\", \"version\": 1}");
        assertTrue(assertThrows(CheckpointException.class, () -> CheckpointIndex.read(dir)).getMessage()
                .contains("has format version 1; this Baton reads version 2"));
    }

    @Test
    void fingerprintsNameExactlyTheFieldsThatDiffer() {
        GptConfig wider = GptConfig.standard(128, LayerLayout.micro(), 32, 2, 16);
        List<String> diff = ModelFingerprint.of(SMALL).differences(ModelFingerprint.of(wider));
        assertEquals(List.of("head-dim is 8 there and 16 here", "mlp hidden is 64 there and 128 here",
                "model-dim is 16 there and 32 here"), diff);
        assertEquals(List.of(), ModelFingerprint.of(SMALL).differences(ModelFingerprint.of(SMALL)));
    }
}
