package dev.baton.runtime.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The record's BOS-aligned loader on a small corpus, against values worked out by hand from
 * {@code BOSFinder.next_batch} and {@code distributed_data_generator}. BOS is 1.
 */
class BatchLoaderTest {
    static final int BOS = 1;
    // shard 0: six documents A..F at positions 0, 5, 8, 18, 20, 27 (30 tokens)
    static final int[] SHARD0 = {
            1, 10, 11, 12, 13,            // A [0,5)
            1, 20, 21,                    // B [5,8)
            1, 30, 31, 32, 33, 34, 35, 36, 37, 38, // C [8,18)
            1, 40,                        // D [18,20)
            1, 50, 51, 52, 53, 54, 55,    // E [20,27)
            1, 60, 61};                   // F [27,30)
    // shard 1: a tail without BOS, then G, H, I at 2, 11, 14
    static final int[] SHARD1 = {
            99, 98,                                   // tail of a document from shard 0: skipped
            1, 70, 71, 72, 73, 74, 75, 76, 77,        // G [2,11)
            1, 80, 81,                                // H [11,14)
            1, 90, 91, 92, 93, 94};                   // I [14,20)

    @TempDir
    Path dir;
    ShardSet shards;

    @BeforeEach
    void write() {
        ShardWriter.write(dir.resolve("t_train_000000.bin"), SHARD0);
        ShardWriter.write(dir.resolve("t_train_000001.bin"), SHARD1);
        shards = ShardSet.inDirectory(dir, "train");
    }

    static int[] padded(int n, int... head) {
        int[] out = new int[128];
        Arrays.fill(out, n);
        System.arraycopy(head, 0, out, 0, head.length);
        return out;
    }

    @Test
    void bosFinderListsDocumentsAndSkipsALeadingTail() {
        BosFinder docs = BosFinder.scan(shards.open(1), BOS);
        assertArrayEquals(new int[] {2, 11, 14}, docs.positions());
        assertEquals(11, docs.end(0));
        assertEquals(20, docs.end(2), "the last document ends at the end of the shard");
    }

    @Test
    void twoRanksFillSlicesFromTheGlobalCursorAndDropTruncatedRemainders() {
        BatchLoader loader = new BatchLoader(shards, 2, 1, LoaderOptions.record(6, BOS), LoaderState.START);
        AlignedStep step = loader.nextStep(8); // 4 tokens per rank, 5 with the final target
        // rank 0: A is [0,5) exactly (the cap 0+4-0+1 = 5 meets its end)
        Batch r0 = step.batch(0, 0);
        assertArrayEquals(new int[] {1, 10, 11, 12}, r0.inputs());
        assertArrayEquals(new int[] {10, 11, 12, 13}, r0.targets());
        assertArrayEquals(padded(4, 0, 4), r0.cuSeqlens());
        // rank 1: B whole [5,8), then C cut to [8,10) by the slice; C's rest is dropped
        Batch r1 = step.batch(0, 1);
        assertArrayEquals(new int[] {5, 8}, step.segmentStarts(0, 1));
        assertArrayEquals(new int[] {8, 10}, step.segmentEnds(0, 1));
        assertArrayEquals(new int[] {1, 20, 21, 1}, r1.inputs());
        assertArrayEquals(new int[] {20, 21, 1, 30}, r1.targets());
        assertArrayEquals(padded(4, 0, 3, 4), r1.cuSeqlens());
        assertEquals(new LoaderState(0, 0, 3), loader.state(), "cursor past A, B and C");
    }

    @Test
    void shardRunningOutRebuildsTheWholeStepFromTheNextShard() {
        BatchLoader loader = new BatchLoader(shards, 2, 1, LoaderOptions.record(6, BOS), LoaderState.START);
        loader.nextStep(8);
        // step 2 would give rank 0 D+E and then run out on rank 1 after F: rebuilt from shard 1
        AlignedStep step = loader.nextStep(8);
        assertEquals(shards.file(1), step.shard().file());
        assertArrayEquals(new int[] {1, 70, 71, 72}, step.batch(0, 0).inputs()); // G [2,7)
        assertArrayEquals(padded(4, 0, 4), step.batch(0, 0).cuSeqlens());
        assertArrayEquals(new int[] {1, 80, 81, 1}, step.batch(0, 1).inputs()); // H [11,14), I [14,16)
        assertArrayEquals(new int[] {80, 81, 1, 90}, step.batch(0, 1).targets());
        assertArrayEquals(padded(4, 0, 3, 4), step.batch(0, 1).cuSeqlens());
        assertEquals(new LoaderState(0, 1, 3), loader.state());
        DataException end = assertThrows(DataException.class, () -> loader.nextStep(8));
        assertTrue(end.getMessage().startsWith("training data exhausted: all 2 train shards (50 tokens)"),
                end.getMessage());
    }

    @Test
    void maxSeqLenCutsLongDocumentsAndTheLastSegmentIsCountedOneShort() {
        BatchLoader loader = new BatchLoader(shards, 1, 1, LoaderOptions.record(6, BOS), LoaderState.START);
        AlignedStep step = loader.nextStep(16);
        // A [0,5), B [5,8), C [8,14) cut at maxSeqLen 6, D [18,20), E [20,21): 17 tokens
        assertArrayEquals(new int[] {0, 5, 8, 18, 20}, step.segmentStarts(0, 0));
        assertArrayEquals(new int[] {5, 8, 14, 20, 21}, step.segmentEnds(0, 0));
        Batch b = step.batch(0, 0);
        assertArrayEquals(new int[] {1, 10, 11, 12, 13, 1, 20, 21, 1, 30, 31, 32, 33, 34, 1, 40}, b.inputs());
        assertArrayEquals(new int[] {10, 11, 12, 13, 1, 20, 21, 1, 30, 31, 32, 33, 34, 1, 40, 1}, b.targets());
        // lengths 5,3,6,2,1 with the last one short by one: 5,3,6,2,0 -> the record repeats 16
        assertArrayEquals(padded(16, 0, 5, 8, 14, 16, 16), b.cuSeqlens());
    }

    @Test
    void accumulationMicroStepsTakeTheSlicesRanksWouldTake() {
        AlignedStep wide = new BatchLoader(shards, 2, 1, LoaderOptions.record(6, BOS), LoaderState.START).nextStep(8);
        AlignedStep deep = new BatchLoader(shards, 1, 2, LoaderOptions.record(6, BOS), LoaderState.START).nextStep(8);
        for (int k = 0; k < 2; k++) {
            assertArrayEquals(wide.batch(0, k).inputs(), deep.batch(k, 0).inputs());
            assertArrayEquals(wide.batch(0, k).cuSeqlens(), deep.batch(k, 0).cuSeqlens());
        }
    }

    @Test
    void batchThatDoesNotSplitIsRejected() {
        BatchLoader loader = new BatchLoader(shards, 4, 2, LoaderOptions.record(6, BOS), LoaderState.START);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader.nextStep(12));
        assertEquals("global batch of 12 tokens does not split into 4 ranks x 2 accumulation steps", e.getMessage());
    }

    @Test
    void cyclingStartsTheNextEpochAtTheFirstShard() {
        BatchLoader loader = new BatchLoader(shards, 2, 1, LoaderOptions.record(6, BOS).withCycle(true),
                LoaderState.START);
        loader.nextStep(8);
        loader.nextStep(8);
        AlignedStep third = loader.nextStep(8); // shard 1 has nothing left: epoch 1, shard 0 from the start
        assertEquals(new LoaderState(1, 0, 3), loader.state());
        assertArrayEquals(new int[] {1, 10, 11, 12}, third.batch(0, 0).inputs());
    }

    @Test
    void aStepNoShardCanHoldFailsClearlyEvenWhenCycling() {
        BatchLoader loader = new BatchLoader(shards, 1, 1, LoaderOptions.record(2048, BOS).withCycle(true),
                LoaderState.START);
        DataException e = assertThrows(DataException.class, () -> loader.nextStep(1024));
        assertEquals("no train shard holds enough documents for one step of 1024 tokens; prepare larger shards or "
                + "lower the batch size", e.getMessage());
    }

    @Test
    void stateFromOtherDataIsRejected() {
        DataException shard = assertThrows(DataException.class, () -> new BatchLoader(shards, 1, 1,
                LoaderOptions.record(6, BOS), new LoaderState(0, 5, 0)));
        assertTrue(shard.getMessage().contains("train shard 5 but there are only 2"), shard.getMessage());
        BatchLoader loader = new BatchLoader(shards, 1, 1, LoaderOptions.record(6, BOS), new LoaderState(0, 0, 9));
        DataException doc = assertThrows(DataException.class, () -> loader.nextStep(4));
        assertTrue(doc.getMessage().contains("document 9 of"), doc.getMessage());
    }
}
