package dev.baton.kernels.bench;

import dev.baton.kernels.tensor.Bf16;
import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep's result check, against collectives computed on the host from the pattern the ranks
 * send: right results pass, and the mistakes a broken run makes (nothing written, a chunk from the
 * wrong rank, a shard from the wrong offset) are caught. Also nccl-tests' bandwidth conventions.
 */
class SweepPatternTest {
    /** Each rank's block, made once (the checks below read millions of sent values). */
    private static final float[][] BLOCKS = IntStream.range(0, 8).mapToObj(SweepPattern::block).toArray(float[][]::new);

    /** Rank r's send buffer as the device holds it after the fill: the block repeated. */
    private static float sent(int rank, long j) {
        return BLOCKS[rank][(int) (j % SweepPattern.PERIOD)];
    }

    /** What NCCL must leave in rank q's receive buffer. */
    private static float[] collective(SweepCollective kind, int world, int q, long n) {
        long part = n / world;
        float[] out = new float[(int) kind.recvElements(n, world)];
        for (int i = 0; i < out.length; i++) {
            switch (kind) {
                case ALL_REDUCE -> {
                    for (int r = 0; r < world; r++) {
                        out[i] += sent(r, i);
                    }
                }
                case REDUCE_SCATTER -> {
                    for (int r = 0; r < world; r++) {
                        out[i] += sent(r, q * part + i);
                    }
                }
                case ALL_GATHER -> out[i] = sent((int) (i / part), i % part);
            }
        }
        return out;
    }

    private static String checkAll(SweepCollective kind, int world, int q, long n, float[] result) {
        for (SweepPattern.Window w : SweepPattern.windows(kind, world, n)) {
            float[] got = new float[w.count()];
            System.arraycopy(result, (int) w.start(), got, 0, w.count());
            String wrong = SweepPattern.mismatch(kind, DType.F32, world, q, n, w.start(), got);
            if (wrong != null) {
                return wrong;
            }
        }
        return null;
    }

    @Test
    void correctResultsPassForEveryKindAndWorldSize() {
        for (int world : new int[] {1, 2, 3, 8}) {
            for (SweepCollective kind : SweepCollective.values()) {
                long n = kind.bufferElements(4L * 3 * SweepPattern.PERIOD + 4 * 1000, 4, world);
                for (int q = 0; q < world; q++) {
                    assertNull(checkAll(kind, world, q, n, collective(kind, world, q, n)), kind + " W=" + world + " rank " + q);
                }
            }
        }
    }

    @Test
    void brokenResultsAreCaughtWithTheRankAndElement() {
        int world = 4;
        long n = SweepCollective.ALL_GATHER.bufferElements(1L << 20, 2, world); // 131072 per rank
        float[] gathered = collective(SweepCollective.ALL_GATHER, world, 2, n);
        System.arraycopy(collective(SweepCollective.ALL_GATHER, world, 2, n), 0, gathered, (int) (n / world), (int) (n / world));
        String wrong = checkAll(SweepCollective.ALL_GATHER, world, 2, n, gathered);
        assertNotNull(wrong, "rank 0's chunk in rank 1's place");
        assertTrue(wrong.startsWith("all_gather fp32 of 524288 elements at W=4: rank 2 element 131072 is "), wrong);

        float[] shifted = collective(SweepCollective.REDUCE_SCATTER, world, 0, n); // rank 0's shard ...
        assertNotNull(checkAll(SweepCollective.REDUCE_SCATTER, world, 1, n, shifted), "... checked as rank 1's");

        float[] untouched = new float[(int) n]; // the poisoned buffer: the collective never wrote
        assertNotNull(checkAll(SweepCollective.ALL_REDUCE, world, 3, n, untouched));

        float[] tail = collective(SweepCollective.ALL_REDUCE, world, 3, n);
        tail[(int) n - 1] += 1;
        String last = checkAll(SweepCollective.ALL_REDUCE, world, 3, n, tail);
        assertNotNull(last);
        assertTrue(last.contains("element " + (n - 1)), last);
    }

    @Test
    void windowsCoverHeadAndTailOfEveryChunk() {
        List<SweepPattern.Window> ag = SweepPattern.windows(SweepCollective.ALL_GATHER, 2, 1 << 20);
        assertEquals(List.of(new SweepPattern.Window(0, 4096), new SweepPattern.Window((1 << 19) - 4096, 4096),
                new SweepPattern.Window(1 << 19, 4096), new SweepPattern.Window((1 << 20) - 4096, 4096)), ag);
        assertEquals(List.of(new SweepPattern.Window(0, 4096), new SweepPattern.Window((1 << 18) - 4096, 4096)),
                SweepPattern.windows(SweepCollective.REDUCE_SCATTER, 4, 1 << 20));
        assertEquals(List.of(new SweepPattern.Window(0, 6000)), SweepPattern.windows(SweepCollective.ALL_REDUCE, 8, 6000));
    }

    @Test
    void valuesAndSumsUpToEightRanksAreExactInBf16() {
        for (int rank = 0; rank < 8; rank++) {
            for (float v : SweepPattern.block(rank)) {
                assertEquals(v, Bf16.round(v));
                assertTrue(v >= 1 && v <= 56, "value " + v);
            }
        }
        for (int partial = 1; partial <= 36; partial++) { // every partial sum of (r + 1) over up to 8 ranks, times c
            for (int c = 1; c <= 7; c++) {
                assertEquals(partial * c, Bf16.round(partial * c));
            }
        }
    }

    @Test
    void bandwidthsFollowNcclTests() {
        assertEquals(0, SweepCollective.ALL_REDUCE.busFactor(1));
        assertEquals(0, SweepCollective.REDUCE_SCATTER.busFactor(1));
        assertEquals(1.0, SweepCollective.ALL_REDUCE.busFactor(2));
        assertEquals(0.5, SweepCollective.ALL_GATHER.busFactor(2));
        assertEquals(1.75, SweepCollective.ALL_REDUCE.busFactor(8));
        assertEquals(0.875, SweepCollective.REDUCE_SCATTER.busFactor(8));
        SweepPoint p = new SweepPoint(SweepCollective.ALL_REDUCE, DType.BF16, 8, 1_000_000_000L, 500_000_000L, 10_000, 1);
        assertEquals(100.0, p.algbw(), 1e-9);
        assertEquals(175.0, p.busbw(), 1e-9);
        assertEquals(32766, SweepCollective.REDUCE_SCATTER.bufferElements(65536, 2, 3), "rounded to whole shards");
        assertEquals(32768, SweepCollective.ALL_REDUCE.bufferElements(65536, 2, 3));
        assertEquals(10922, SweepCollective.ALL_GATHER.sendElements(32766, 3));
        assertEquals(32766, SweepCollective.ALL_GATHER.recvElements(32766, 3));
        assertEquals(10922, SweepCollective.REDUCE_SCATTER.recvElements(32766, 3));
    }
}
