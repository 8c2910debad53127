package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.CheckpointStore;
import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.checkpoint.SafeTensorsWriter;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.optim.StateTensor;
import dev.baton.runtime.schedule.YarnTransition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint folder: everything round-trips exactly, a checkpoint of another model is refused
 * with the differing fields named, a write cut short leaves the previous checkpoint as the latest,
 * and the optimizer state of a checkpoint split over two rank files (the actor runtime's layout)
 * reads back as the whole state.
 */
class TrainingCheckpointTest {
    private static final TrainingConfig CONFIG = TinyRun.config(16, 3);

    /** A state with non-trivial optimizer moments: two steps of the tiny run. */
    private static TrainingState trainedState(Path dir) {
        ShardSet[] shards = TinyRun.shards(dir, 5);
        try (SingleDeviceExecutor exec = TinyRun.device(CONFIG)) {
            var schedule = new dev.baton.runtime.schedule.TrainingSchedule(CONFIG.schedule());
            var loader = new dev.baton.runtime.data.BatchLoader(shards[0], 2, 1, TinyRun.loader(), LoaderState.START);
            for (int s = 0; s < 2; s++) {
                exec.train(StepSpec.of(schedule, s), MicroBatches.of(loader.nextStep(schedule.batchTokens(s))));
            }
            exec.applyYarn(new YarnTransition(3, 7));
            return exec.exportState();
        }
    }

    private static Path save(CheckpointStore store, TrainingState state, int step) {
        CheckpointIndex index = new CheckpointIndex(step, 1, TrainingCheckpoint.layouts(CONFIG.table(), CONFIG.model()),
                new LoaderState(0, 0, 17), 321, 45, false, state.yarn(), ModelFingerprint.of(CONFIG.model()));
        Path tmp = store.begin(step);
        TrainingCheckpoint.write(tmp, state, index, CONFIG.table(), "baton { }\n");
        return store.commit(tmp, step);
    }

    @Test
    void everythingRoundTripsExactly(@TempDir Path dir) {
        TrainingState state = trainedState(dir);
        Path ckpt = save(new CheckpointStore(dir.resolve("ck"), 0), state, 2);
        assertEquals("step-00000002", ckpt.getFileName().toString());
        TrainingCheckpoint.Loaded back = TrainingCheckpoint.read(ckpt, CONFIG.table());
        assertEquals(new LoaderState(0, 0, 17), back.index().data());
        assertEquals(321, back.index().tokens());
        assertEquals(state.yarn(), back.index().yarn());
        assertEquals(ModelFingerprint.of(CONFIG.model()).digest(), back.index().model().digest());
        assertStatesEqual(state, back.state());
        try (SingleDeviceExecutor exec = TinyRun.device(CONFIG)) {
            exec.importState(back.state());
            assertStatesEqual(state, exec.exportState());
        }
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedNamingTheDifferences(@TempDir Path dir) {
        Path ckpt = save(new CheckpointStore(dir.resolve("ck"), 0), trainedState(dir), 2);
        TrainingConfig wider = TinyRun.config(32, 3);
        TrainingCheckpoint.Loaded loaded = TrainingCheckpoint.read(ckpt, wider.table());
        ShardSet[] shards = TinyRun.shards(dir, 5);
        try (SingleDeviceExecutor exec = TinyRun.device(wider)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> ResumeTest.loop(wider,
                    TinyRun.policy(dir, 0), exec, shards, TrainingListener.NONE, new StopRequest()).run(loaded));
            assertTrue(e.getMessage().contains("model-dim is 16 there and 32 here"), e.getMessage());
            assertTrue(e.getMessage().contains("head-dim is 8 there and 16 here"), e.getMessage());
            assertFalse(e.getMessage().contains("num-layers"), "only what differs: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
    }

    @Test
    void aWriteCutShortLeavesThePreviousCheckpointTheLatest(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("ck"), 2);
        TrainingState state = trainedState(dir);
        Path first = save(store, state, 2);
        Path tmp = store.begin(4);
        new SafeTensorsWriter().putFloats("x", new int[] {1}, new float[] {1}).write(tmp.resolve(TrainingCheckpoint.WEIGHTS));
        // the process dies here: no index, no rename
        assertEquals(first, store.latest().orElseThrow());
        assertEquals(List.of(first), store.complete());
        assertStatesEqual(state, TrainingCheckpoint.read(store.latest().orElseThrow(), CONFIG.table()).state());
        CheckpointException e = assertThrows(CheckpointException.class, () -> TrainingCheckpoint.read(tmp, CONFIG.table()));
        assertTrue(e.getMessage().contains("not a complete checkpoint"), e.getMessage());

        save(store, state, 4);
        save(store, state, 6);
        assertEquals(List.of("step-00000004", "step-00000006"),
                store.complete().stream().map(p -> p.getFileName().toString()).toList(), "keeps the newest 2");
        assertTrue(Files.readString(store.root().resolve(CheckpointStore.LATEST)).startsWith("step-00000006"));
    }

    @Test
    void rankFilesOfAShardedCheckpointMergeIntoTheWholeState(@TempDir Path dir) throws IOException {
        TrainingState state = trainedState(dir);
        Path ckpt = save(new CheckpointStore(dir.resolve("ck"), 0), state, 2);
        // rewrite it as two ranks: sharded labels split their leading units, replicated ones stay on rank 0
        CheckpointIndex index = TrainingCheckpoint.read(ckpt, CONFIG.table()).index();
        Map<String, CheckpointIndex.ParamInfo> split = new java.util.LinkedHashMap<>();
        SafeTensorsWriter[] ranks = {new SafeTensorsWriter(), new SafeTensorsWriter()};
        try (SafeTensorsFile whole = SafeTensorsFile.open(ckpt.resolve(TrainingCheckpoint.optimFile(0)))) {
            whole.metadata().forEach(ranks[0]::metadata);
            ranks[1].metadata("rank", "1");
            for (var e : index.params().entrySet()) {
                CheckpointIndex.ParamInfo p = e.getValue();
                int half = p.units() / 2;
                boolean sharded = !p.ranges().isEmpty();
                split.put(e.getKey(), new CheckpointIndex.ParamInfo(p.layout(), p.shape(), p.units(), p.usedUnits(),
                        sharded ? List.of(new int[] {0, half}, new int[] {half, p.units()}) : List.of()));
                for (String name : whole.names()) {
                    if (!name.startsWith(e.getKey() + "/")) {
                        continue;
                    }
                    int[] shape = whole.entry(name).shape();
                    float[] v = whole.floats(name);
                    if (!sharded) {
                        ranks[0].putFloats(name, shape, v);
                        continue;
                    }
                    int unit = v.length / p.units();
                    int[] s0 = shape.clone();
                    s0[0] = half;
                    int[] s1 = shape.clone();
                    s1[0] = p.units() - half;
                    ranks[0].putFloats(name, s0, Arrays.copyOfRange(v, 0, half * unit));
                    ranks[1].putFloats(name, s1, Arrays.copyOfRange(v, half * unit, v.length));
                }
            }
        }
        ranks[0].write(ckpt.resolve(TrainingCheckpoint.optimFile(0)));
        ranks[1].write(ckpt.resolve(TrainingCheckpoint.optimFile(1)));
        CheckpointIndex two = new CheckpointIndex(index.nextStep(), 2, split, index.data(), index.tokens(),
                index.elapsedMillis(), false, index.yarn(), index.model());
        Files.writeString(ckpt.resolve(CheckpointStore.INDEX), two.toJson());
        assertStatesEqual(state, TrainingCheckpoint.read(ckpt, CONFIG.table()).state());
    }

    static void assertStatesEqual(TrainingState want, TrainingState got) {
        assertEquals(want.weights().keySet(), got.weights().keySet());
        for (var e : want.weights().entrySet()) {
            assertEquals(e.getValue().shape(), got.weights().get(e.getKey()).shape(), e.getKey());
            assertArrayEquals(e.getValue().values(), got.weights().get(e.getKey()).values(), e.getKey());
        }
        assertEquals(want.optimizer().keySet(), got.optimizer().keySet());
        for (Map.Entry<String, StateTensor> e : want.optimizer().entrySet()) {
            StateTensor g = got.optimizer().get(e.getKey());
            if (e.getValue().floats() != null) {
                assertEquals(e.getValue().shape(), g.shape(), e.getKey());
                assertArrayEquals(e.getValue().floats(), g.floats(), e.getKey());
            } else {
                assertArrayEquals(e.getValue().ints(), g.ints(), e.getKey());
            }
        }
        assertEquals(want.yarn(), got.yarn());
    }
}
