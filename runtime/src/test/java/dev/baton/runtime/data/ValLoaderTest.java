package dev.baton.runtime.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record's unaligned validation loader: contiguous rank slices, boundaries at BOS positions. */
class ValLoaderTest {
    static final int BOS = 1;
    @TempDir
    Path dir;

    static int[] padded(int n, int count, int... head) {
        int[] out = new int[count];
        Arrays.fill(out, n);
        System.arraycopy(head, 0, out, 0, head.length);
        return out;
    }

    @Test
    void ranksTakeConsecutiveRunsWithBoundariesAtBos() {
        // 0..19 with BOS at 0, 3, 9, 10
        int[] tokens = {1, 5, 6, 1, 7, 8, 9, 10, 11, 1, 1, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        ShardWriter.write(dir.resolve("v_val_000000.bin"), tokens);
        ValLoader val = new ValLoader(ShardSet.inDirectory(dir, "val"), 8, 2, 1, BOS);
        StreamStep step = val.nextStep();
        Batch r0 = step.batch(0, 0); // tokens [0,5)
        assertArrayEquals(new int[] {1, 5, 6, 1}, r0.inputs());
        assertArrayEquals(new int[] {5, 6, 1, 7}, r0.targets());
        assertArrayEquals(padded(4, 128, 0, 0, 3), r0.cuSeqlens(), "the record repeats 0 for a BOS at input 0");
        Batch r1 = step.batch(0, 1); // tokens [4,9)
        assertArrayEquals(new int[] {7, 8, 9, 10}, r1.inputs());
        assertArrayEquals(new int[] {8, 9, 10, 11}, r1.targets());
        assertArrayEquals(padded(4, 128, 0), r1.cuSeqlens());
        Batch next = val.nextStep().batch(0, 0); // pos 8: tokens [8,13)
        assertArrayEquals(new int[] {11, 1, 1, 12}, next.inputs());
        assertArrayEquals(padded(4, 128, 0, 1, 2), next.cuSeqlens());
        // pos 16: 16 + 8 + 1 >= 20, and there is no second val shard
        DataException end = assertThrows(DataException.class, val::nextStep);
        assertTrue(end.getMessage().startsWith("validation data exhausted"), end.getMessage());
        val.reset();
        assertArrayEquals(r0.inputs(), val.nextStep().batch(0, 0).inputs(), "every evaluation starts at token 0");
    }

    @Test
    void movesToTheNextShardWhenAStepWouldReachTheEnd() {
        int[] a = new int[20];
        int[] b = new int[30];
        Arrays.fill(a, 7);
        Arrays.fill(b, 8);
        ShardWriter.write(dir.resolve("v_val_000000.bin"), a);
        ShardWriter.write(dir.resolve("v_val_000001.bin"), b);
        ValLoader val = new ValLoader(ShardSet.inDirectory(dir, "val"), 8, 1, 2, BOS);
        int steps = 0;
        int fromSecond = 0;
        while (true) {
            StreamStep step;
            try {
                step = val.nextStep();
            } catch (DataException e) {
                break;
            }
            steps++;
            if (step.batch(1, 0).inputs()[0] == 8) {
                fromSecond++;
            }
        }
        // shard a: pos 0, 8 (16+9 > 20 ends it); shard b: pos 0, 8, 16 (24+9 >= 30 ends it)
        assertEquals(5, steps);
        assertEquals(3, fromSecond);
        assertEquals(5, val.stepsAvailable());
    }

    @Test
    void sameTokensForEveryFactorisation() {
        int[] tokens = new int[200];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 13 == 0 ? BOS : 100 + i;
        }
        ShardWriter.write(dir.resolve("v_val_000000.bin"), tokens);
        ShardSet shards = ShardSet.inDirectory(dir, "val");
        StreamStep wide = new ValLoader(shards, 64, 4, 1, BOS).nextStep();
        StreamStep deep = new ValLoader(shards, 64, 1, 4, BOS).nextStep();
        StreamStep mixed = new ValLoader(shards, 64, 2, 2, BOS).nextStep();
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(wide.batch(0, k).inputs(), deep.batch(k, 0).inputs());
            assertArrayEquals(wide.batch(0, k).cuSeqlens(), deep.batch(k, 0).cuSeqlens());
            assertArrayEquals(wide.batch(0, k).targets(), mixed.batch(k / 2, k % 2).targets());
        }
        assertEquals(16 * 3, wide.batch(0, 3).inputs()[0] - 100, "slice 3 starts at token 48");
    }
}
