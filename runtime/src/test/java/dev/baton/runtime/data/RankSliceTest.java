package dev.baton.runtime.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rank slices on a random GPT-2-like corpus: disjoint, BOS-aligned, covering, and independent of how W·A is factored. */
class RankSliceTest {
    static final int BOS = 50256;
    static final int GLOBAL = 8 * 1024;
    static final int MAX_SEQ = 2048;

    @TempDir
    static Path dir;
    static ShardSet shards;

    @BeforeAll
    static void corpus() {
        SplittableRandom random = new SplittableRandom(2024);
        for (int s = 0; s < 2; s++) {
            int[] tokens = new int[120_000];
            int at = 0;
            while (at < tokens.length) {
                int len = 1 + random.nextInt(random.nextInt(8) == 0 ? 5000 : 600); // some longer than MAX_SEQ
                tokens[at++] = BOS;
                for (int i = 1; i < len && at < tokens.length; i++) {
                    tokens[at++] = random.nextInt(BOS);
                }
            }
            ShardWriter.write(dir.resolve(String.format("r_train_%06d.bin", s)), tokens);
        }
        shards = ShardSet.inDirectory(dir, "train");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void slicesAreDisjointBosAlignedAndFillEveryRank(int worldSize) {
        BatchLoader loader = new BatchLoader(shards, worldSize, 1, LoaderOptions.record(MAX_SEQ, BOS), LoaderState.START);
        int local = GLOBAL / worldSize;
        int steps = 0;
        boolean secondShard = false;
        while (true) { // every step of both shards, until the data runs out
            AlignedStep step;
            try {
                step = loader.nextStep(GLOBAL);
            } catch (DataException exhausted) {
                break;
            }
            steps++;
            secondShard |= step.shard().file().equals(shards.file(1));
            ShardReader shard = step.shard();
            BitSet used = new BitSet(shard.tokenCount());
            long tokens = 0;
            for (int r = 0; r < worldSize; r++) {
                int[] starts = step.segmentStarts(0, r);
                int[] ends = step.segmentEnds(0, r);
                int len = 0;
                for (int i = 0; i < starts.length; i++) {
                    assertEquals(BOS, shard.token(starts[i]), "every segment starts at a BOS");
                    assertTrue(ends[i] - starts[i] <= MAX_SEQ);
                    int clear = used.nextSetBit(starts[i]);
                    assertTrue(clear < 0 || clear >= ends[i], "rank " + r + " segment overlaps another rank's");
                    used.set(starts[i], ends[i]);
                    len += ends[i] - starts[i];
                }
                assertEquals(local + 1, len, "inputs plus the final target");
                Batch b = step.batch(0, r);
                assertEquals(local, b.length());
                assertEquals(BOS, b.inputs()[0]);
                int[] cu = b.cuSeqlens();
                assertEquals(0, cu[0]);
                assertEquals(CuSeqlens.count(local, starts.length + 1), cu.length);
                for (int i = 1; i < cu.length; i++) {
                    assertTrue(cu[i] >= cu[i - 1], "cumulative lengths never decrease");
                }
                assertEquals(local, cu[cu.length - 1]);
                for (int i = 1; i < starts.length; i++) {
                    if (cu[i] < local) { // a last segment of one token counts zero and repeats `local`
                        assertEquals(BOS, b.inputs()[cu[i]], "each boundary is a BOS in the inputs");
                    }
                }
                tokens += b.length();
            }
            assertEquals(GLOBAL, tokens, "the ranks together cover the global batch");
        }
        assertTrue(steps >= 12 && secondShard, steps + " steps");
    }

    @Test
    void theSameTokensForEveryFactorisationOfEight() {
        List<int[]> reference = stepTokens(8, 1);
        assertTrue(reference.size() >= 12, reference.size() + " steps");
        for (int[] wa : new int[][] {{1, 8}, {2, 4}, {4, 2}}) {
            List<int[]> other = stepTokens(wa[0], wa[1]);
            assertEquals(reference.size(), other.size());
            for (int i = 0; i < reference.size(); i++) {
                assertArrayEquals(reference.get(i), other.get(i), "W=" + wa[0] + " A=" + wa[1] + " step " + i);
            }
        }
    }

    @Test
    void recordPaddingForTheSpeedrunBatchSizes() {
        // 131072, 262144, 393216 global tokens over 8 ranks -> 128, 128, 256 entries in the record
        assertEquals(128, CuSeqlens.recordCount(16384));
        assertEquals(128, CuSeqlens.recordCount(32768));
        assertEquals(256, CuSeqlens.recordCount(49152));
        assertEquals(896, CuSeqlens.recordCount(262144), "validation: 262144 tokens per rank");
        assertEquals(256, CuSeqlens.count(16384, 129), "grows only when the boundaries need it");
    }

    @Test
    void seededShuffleIsDeterministicAndChangesTheOrder() {
        LoaderOptions shuffled = LoaderOptions.record(MAX_SEQ, BOS).withShuffleSeed(42);
        int[] a = new BatchLoader(shards, 2, 1, shuffled, LoaderState.START).nextStep(GLOBAL).batch(0, 1).inputs();
        int[] b = new BatchLoader(shards, 2, 1, shuffled, LoaderState.START).nextStep(GLOBAL).batch(0, 1).inputs();
        int[] plain = new BatchLoader(shards, 2, 1, LoaderOptions.record(MAX_SEQ, BOS), LoaderState.START)
                .nextStep(GLOBAL).batch(0, 1).inputs();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, plain));
        BosFinder docs = BosFinder.scan(shards.open(0), BOS);
        int[] order = docs.shuffled(42).positions();
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(docs.positions(), sorted, "a shuffle is a permutation of the documents");
    }

    /** Every step's inputs, targets and leading cu_seqlens, concatenated in slice order a·W + r. */
    private static List<int[]> stepTokens(int worldSize, int accumSteps) {
        BatchLoader loader = new BatchLoader(shards, worldSize, accumSteps, LoaderOptions.record(MAX_SEQ, BOS),
                LoaderState.START);
        List<int[]> steps = new ArrayList<>();
        while (true) { // until the data runs out: the shard switches must agree as well
            AlignedStep step;
            try {
                step = loader.nextStep(GLOBAL);
            } catch (DataException exhausted) {
                break;
            }
            int[] all = new int[3 * GLOBAL];
            int at = 0;
            for (int a = 0; a < accumSteps; a++) {
                for (int r = 0; r < worldSize; r++) {
                    Batch b = step.batch(a, r);
                    System.arraycopy(b.inputs(), 0, all, at, b.length());
                    System.arraycopy(b.targets(), 0, all, GLOBAL + at, b.length());
                    int[] cu = b.cuSeqlens();
                    for (int i = 0; i < b.length() && i < cu.length; i++) {
                        all[2 * GLOBAL + at + i] = cu[i];
                    }
                    at += b.length();
                }
            }
            steps.add(all);
        }
        return steps;
    }
}
