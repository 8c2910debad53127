package dev.baton.actors.checkpoint;

import dev.baton.actors.plan.ParamShards;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInFactory;
import dev.baton.actors.standin.StandInWork;
import dev.baton.actors.work.OptimizerState;
import dev.baton.runtime.ops.cpu.CpuTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardedCheckpointTest {
    static final StandInConfig C = StandInConfig.small();

    /** Value of state element {@code i} (global unit-major index) of state {@code name} of {@code param}. */
    static float stateValue(String param, String name, long i) {
        return param.hashCode() % 97 + name.length() * 1000 + i * 0.5f;
    }

    /** Works of every rank with each sharded state element set to its global value. */
    static List<StandInWork> works(int world) {
        StandInFactory f = new StandInFactory(C);
        ShardPlan plan = ShardPlan.of(f.layouts(world), world);
        List<StandInWork> out = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            StandInWork w = (StandInWork) f.create(r, plan);
            for (ParamShards s : plan.params().values()) {
                ShardRange owned = s.owned(r);
                for (OptimizerState st : w.optimizerState(s.name())) {
                    float[] a = ((CpuTensor) st.tensor()).floats();
                    long perUnit = owned.isEmpty() ? 0 : a.length / owned.count();
                    for (int i = 0; i < a.length; i++) {
                        a[i] = stateValue(s.name(), st.name(), st.sharded() ? owned.start() * perUnit + i : i);
                    }
                }
                w.restoreScalarState(Map.of("t.rows", 17.0, "t.lm_head", 5.0));
            }
            out.add(w);
        }
        return out;
    }

    private static Path save(Path dir, int world) throws IOException {
        List<StandInWork> ws = works(world);
        ShardPlan plan = ShardPlan.of(new StandInFactory(C).layouts(world), world);
        for (int r = 0; r < world; r++) {
            RankCheckpoint.save(dir, r, plan, ws.get(r), 9);
        }
        Files.writeString(dir.resolve(CheckpointIndex.FILE), CheckpointIndex.of(9, plan, Map.of("cursor", 9L)).toJson());
        return dir;
    }

    @Test
    void stateWrittenAtThreeRanksIsReshardedForTwoAndFour(@TempDir Path dir) throws IOException {
        save(dir, 3);
        CheckpointIndex index = CheckpointIndex.read(dir);
        assertEquals(9, index.nextStep());
        assertEquals(3, index.world());
        assertEquals(Map.of("cursor", 9L), index.data());
        for (int world : new int[] {2, 4}) {
            StandInFactory f = new StandInFactory(C);
            ShardPlan plan = ShardPlan.of(f.layouts(world), world);
            float[] initialPadding = null;
            for (int r = 0; r < world; r++) {
                StandInWork w = (StandInWork) f.create(r, plan);
                RankCheckpoint.load(dir, index, r, plan, w);
                for (ParamShards s : plan.params().values()) {
                    ShardRange owned = s.owned(r);
                    int oldUnits = index.param(s.name(), dir).units();
                    for (OptimizerState st : w.optimizerState(s.name())) {
                        float[] got = ((CpuTensor) st.tensor()).floats();
                        long perUnit = owned.isEmpty() ? 0 : got.length / owned.count();
                        for (int i = 0; i < got.length; i++) {
                            long global = st.sharded() ? owned.start() * perUnit + i : i;
                            boolean newPadding = st.sharded() && global / perUnit >= oldUnits;
                            float want = newPadding ? 0f : stateValue(s.name(), st.name(), global);
                            assertEquals(want, got[i], "W=3 -> W=" + world + " rank " + r + " " + s.name() + "/" + st.name() + "[" + i + "]");
                        }
                    }
                }
                assertEquals(17.0, w.scalarState().get("t.rows"));
                assertEquals(5.0, w.scalarState().get("t.lm_head"));
                assertArrayEquals(works(3).get(0).used("bank"), w.used("bank"), "used bank matrices come from the checkpoint");
                if (world == 4) {
                    assertEquals(8, plan.param("bank").layout().units(), "W=4 pads the bank to 8 matrices (6 at W=3)");
                }
            }
        }
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedNamingTheParameter(@TempDir Path dir) throws IOException {
        save(dir, 2);
        StandInConfig other = new StandInConfig(C.bankLayers(), C.bankRows(), C.bankCols(), C.wideMatrices(), C.wideSize(),
                C.rows() + 2, C.rowCols(), C.replicated(), C.dim(), C.vocab(), 0, 0, -1, -1);
        StandInFactory f = new StandInFactory(other);
        ShardPlan plan = ShardPlan.of(f.layouts(2), 2);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> RankCheckpoint.load(dir, CheckpointIndex.read(dir), 0, plan, f.create(0, plan)));
        assertTrue(e.getMessage().contains("'rows'") && e.getMessage().contains("(12, 5)"), e.getMessage());
    }

    @Test
    void safetensorsFilesRoundTripAndReadRowRanges(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("t.safetensors");
        Map<String, SafetensorsFile.HostTensor> t = new LinkedHashMap<>();
        t.put("a/b", new SafetensorsFile.HostTensor(new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}));
        t.put("empty", new SafetensorsFile.HostTensor(new long[] {0, 4}, new float[0]));
        t.put("scalar", new SafetensorsFile.HostTensor(new long[] {}, new float[] {7}));
        SafetensorsFile.write(p, t, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(p);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLen) % 8, "data starts 8-byte aligned");
        assertEquals(8 + headerLen + 4 * 7, bytes.length);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("a/b", "empty", "scalar"), f.names());
            assertArrayEquals(new float[] {3, 4, 5, 6}, f.readRows("a/b", 1, 2));
            assertArrayEquals(new float[] {7}, f.read("scalar"));
            assertArrayEquals(new float[0], f.read("empty"));
            assertEquals("v", f.metadata().get("k"));
            assertThrows(CheckpointException.class, () -> f.readRows("a/b", 2, 2));
        }
        assertFalse(Files.exists(dir.resolve("t.safetensors.tmp")), "no temp file left");
        Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        CheckpointException truncated = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(p));
        assertTrue(truncated.getMessage().contains(p.toString()) && truncated.getMessage().contains("truncated"),
                truncated.getMessage());
        Files.write(p, new byte[] {1, 2, 3});
        assertThrows(CheckpointException.class, () -> SafetensorsFile.open(p));
    }

    @Test
    void theStoreCommitsAtomicallyPointsLatestAndKeepsTheNewest(@TempDir Path root) throws IOException {
        CheckpointStore store = new CheckpointStore(root, 2);
        ShardPlan plan = ShardPlan.of(new StandInFactory(C).layouts(1), 1);
        for (long step : new long[] {2, 4, 6}) {
            Path tmp = store.begin(step);
            assertTrue(store.latest().map(l -> !l.equals(tmp)).orElse(true), "an open checkpoint is never the latest");
            store.commit(tmp, CheckpointIndex.of(step, plan, Map.of()));
        }
        assertEquals(List.of(root.resolve("step-00000004"), root.resolve("step-00000006")), store.complete(), "keeps 2");
        assertEquals(root.resolve("step-00000006"), store.latest().orElseThrow());
        Path abandoned = store.begin(8);
        Files.writeString(abandoned.resolve("partial"), "x");
        assertEquals(root.resolve("step-00000006"), store.latest().orElseThrow(), "an unfinished checkpoint is ignored");
        store.discard(abandoned);
        assertFalse(Files.exists(abandoned));
        Path again = store.begin(6);
        Path committed = store.commit(again, CheckpointIndex.of(6, plan, Map.of("cursor", 1L)));
        assertEquals(Map.of("cursor", 1L), CheckpointIndex.read(committed).data(), "a rewrite replaces the old one whole");
    }

    @Test
    void aCorruptIndexIsReportedWithItsFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(CheckpointIndex.FILE), "{\"format\": \"something else\"}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointIndex.read(dir));
        assertTrue(e.getMessage().contains("index.json is not a Baton sharded checkpoint index"), e.getMessage());
        Files.writeString(dir.resolve(CheckpointIndex.FILE), "{\"format\": ");
        e = assertThrows(CheckpointException.class, () -> CheckpointIndex.read(dir));
        assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
    }
}
