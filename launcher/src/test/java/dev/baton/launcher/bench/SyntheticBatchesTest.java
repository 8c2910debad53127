package dev.baton.launcher.bench;

import dev.baton.runtime.data.Batch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthetic micro-batches: FineWeb-like packed documents, BOS at every start, reproducible from the seed. */
class SyntheticBatchesTest {
    @Test
    void documentsArePackedCutAndOpenedWithBos() {
        Batch[] pool = SyntheticBatches.pool(3, 49152, 1234, 2048, 50256);
        assertEquals(3, pool.length);
        int longest = 0;
        int docs = 0;
        for (Batch b : pool) {
            int[] cu = b.cuSeqlens();
            assertEquals(0, cu[0]);
            assertEquals(49152, cu[cu.length - 1]);
            for (int d = 0; d + 1 < cu.length; d++) {
                int len = cu[d + 1] - cu[d];
                assertTrue(len >= 1 && len <= 2048, "document length " + len);
                longest = Math.max(longest, len);
                assertEquals(50256, b.inputs()[cu[d]], "BOS opens document " + d);
            }
            for (int i = 0; i + 1 < b.length(); i++) {
                assertEquals(b.inputs()[i + 1], b.targets()[i], "targets are the inputs shifted by one");
                assertTrue(b.inputs()[i] <= 50256);
            }
            docs += cu.length - 1;
        }
        assertEquals(2048, longest, "the long tail reaches the cut");
        // median 600 and a log-normal tail: a mean near 800 tokens, so about 60 documents per 49,152 tokens
        assertTrue(docs > 3 * 45 && docs < 3 * 80, docs + " documents");
    }

    @Test
    void sameSeedSameBatchesOtherSeedOthers() {
        Batch a = SyntheticBatches.pool(1, 4096, 7, 2048, 50256)[0];
        Batch b = SyntheticBatches.pool(1, 4096, 7, 2048, 50256)[0];
        Batch c = SyntheticBatches.pool(1, 4096, 8, 2048, 50256)[0];
        assertArrayEquals(a.inputs(), b.inputs());
        assertArrayEquals(a.cuSeqlens(), b.cuSeqlens());
        assertTrue(!Arrays.equals(a.cuSeqlens(), c.cuSeqlens()));
    }

    @Test
    void layoutIsTheSharedLogNormalRule() {
        // java.util.Random(2026).nextGaussian() drives the lengths; the Python side ports this generator
        int[] cu = SyntheticBatches.logNormal(2026, 49152, 600, 1.0, 2048);
        assertEquals(0, cu[0]);
        assertEquals(49152, cu[cu.length - 1]);
        java.util.Random r = new java.util.Random(2026);
        int first = (int) Math.round(600 * Math.exp(r.nextGaussian()));
        assertEquals(Math.min(Math.max(first, 1), 2048), cu[1]);
    }
}
