package dev.baton.actors.training;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.data.ValLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoaderBatchSourceTest {
    @Test
    void stepsComeAsMicroStepsByRanksAndResumeFromTheirPosition(@TempDir Path dir) {
        Path shard = MiniWorkload.shard(dir);
        LoaderBatchSource a = new LoaderBatchSource(s -> MiniWorkload.loader(shard, 2, s), MiniWorkload.SCHEDULE, null, 0);
        Batch[][] s0 = a.next(0, 2);
        assertEquals(2, s0.length, "4 slices over 2 ranks: 2 micro-steps");
        assertEquals(2, s0[0].length);
        assertEquals(MiniWorkload.SCHEDULE.batchTokens(0) / 4, s0[1][1].length());
        Map<String, Long> after0 = a.position();
        assertEquals(List.of("epoch", "shard", "cursor"), List.copyOf(after0.keySet()));
        assertTrue(after0.get("cursor") > 0);
        Batch[][] s1 = a.next(1, 2);

        LoaderBatchSource b = new LoaderBatchSource(s -> MiniWorkload.loader(shard, 2, s), MiniWorkload.SCHEDULE, null, 0);
        b.restore(after0);
        Batch[][] again = b.next(1, 2);
        for (int m = 0; m < 2; m++) {
            for (int r = 0; r < 2; r++) {
                assertArrayEquals(s1[m][r].inputs(), again[m][r].inputs(), "resumed micro-step " + m + " rank " + r);
            }
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.next(2, 4));
        assertTrue(e.getMessage().contains("built for 2 ranks but the run has 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.restore(Map.of("cursor", 3L)));
    }

    @Test
    void validationReadsTheValStreamFromItsStartEveryTime(@TempDir Path dir) {
        int[] tokens = new int[400];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 31;
        }
        Path val = ShardWriter.write(dir.resolve("mini_val_000000.bin"), tokens);
        ValLoader loader = new ValLoader(ShardSet.of(List.of(val)), 64, 2, 2, MiniWorkload.BOS);
        LoaderBatchSource src = new LoaderBatchSource(s -> MiniWorkload.loader(MiniWorkload.shard(dir), 2, s),
                MiniWorkload.SCHEDULE, loader, 2);
        Batch[][] v = src.validation(2);
        assertEquals(4, v.length, "2 validation steps of 2 micro-steps");
        assertArrayEquals(Arrays.copyOfRange(tokens, 0, 16), v[0][0].inputs(), "slice 0 = the first 16 tokens");
        assertArrayEquals(Arrays.copyOfRange(tokens, 16, 32), v[0][1].inputs(), "slice 1 goes to rank 1");
        assertArrayEquals(Arrays.copyOfRange(tokens, 64, 80), v[2][0].inputs(), "the second step follows");
        assertArrayEquals(v[0][0].inputs(), src.validation(2)[0][0].inputs(), "every evaluation starts over");
    }
}
