package dev.baton.kernels.ops;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The visible-pair count behind the benchmark's FLOP figures, against counting pair by pair. */
class AttentionWorkTest {
    private static long bruteForce(int[] cu, int seqScale, int window) {
        long pairs = 0;
        for (int d = 0; d + 1 < cu.length; d++) {
            int a = cu[d] * seqScale;
            int b = cu[d + 1] * seqScale;
            for (int s = a; s < b; s++) {
                for (int j = a; j <= s; j++) {
                    if (s - j <= window) {
                        pairs++;
                    }
                }
            }
        }
        return pairs;
    }

    @Test
    void pairsMatchACountOfTheMask() {
        int[][] layouts = {{0, 1, 1, 130, 131, 600, 1237}, {0, 700, 1100, 1100}, {0, 5, 5, 300}};
        for (int[] cu : layouts) {
            for (int seqScale = 1; seqScale <= 2; seqScale++) {
                for (int window : new int[] {0, 1, 64, 128, 129, 5000}) {
                    assertEquals(bruteForce(cu, seqScale, window), AttentionWork.of(cu, seqScale, window, 1, 1).pairs(),
                            "window " + window + " scale " + seqScale);
                }
            }
        }
    }

    @Test
    void flopsAndBytesFollowThePairCount() {
        AttentionWork w = AttentionWork.of(new int[] {0, 3}, 1, 10, 6, 128);
        assertEquals(6, w.pairs());
        assertEquals(4.0 * 128 * 6 * 6, w.forwardFlops());
        assertEquals(2.5 * w.forwardFlops(), w.backwardFlops());
        assertEquals(4 * 18 * 128 * 2 + 18 * 4, w.forwardBytes());
        assertEquals(2.0, w.meanKeys());
    }
}
