package dev.baton.runtime.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint folder: a checkpoint becomes visible only whole (index written, folder renamed,
 * {@code latest} rewritten), a write cut short leaves the previous one the latest, the newest
 * {@code keep} are kept, and a rewrite of the same step replaces the old one whole.
 */
class CheckpointStoreTest {
    private static CheckpointIndex index(long step, long cursor) {
        return new CheckpointIndex(step, 1, Map.of(), Map.of("cursor", cursor), 0, 0, false, ModelFingerprint.NONE);
    }

    private static Path save(CheckpointStore store, long step, long cursor) {
        Path tmp = store.begin(step);
        index(step, cursor).write(tmp);
        return store.commit(tmp, step);
    }

    @Test
    void aWriteCutShortLeavesThePreviousCheckpointTheLatestAndTheNewestAreKept(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("ck"), 2);
        Path first = save(store, 2, 0);
        assertEquals("step-00000002", first.getFileName().toString());
        Path tmp = store.begin(4);
        new SafeTensorsWriter().putFloats("x", new int[] {1}, new float[] {1}).write(tmp.resolve(CheckpointIndex.WEIGHTS));
        // the process dies here: no index, no rename
        assertEquals(first, store.latest().orElseThrow());
        assertEquals(List.of(first), store.complete());
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointIndex.read(tmp));
        assertTrue(e.getMessage().contains("not a complete checkpoint"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> store.commit(tmp, 4), "no commit without an index");
        store.discard(tmp);
        assertFalse(Files.exists(tmp));

        save(store, 4, 0);
        save(store, 6, 0);
        assertEquals(List.of("step-00000004", "step-00000006"),
                store.complete().stream().map(p -> p.getFileName().toString()).toList(), "keeps the newest 2");
        assertTrue(Files.readString(store.root().resolve(CheckpointStore.LATEST)).startsWith("step-00000006"));
        Path again = save(store, 6, 9);
        assertEquals(Map.of("cursor", 9L), CheckpointIndex.read(again).data(), "a rewrite replaces the old one whole");
        assertEquals(2, store.complete().size());
    }
}
