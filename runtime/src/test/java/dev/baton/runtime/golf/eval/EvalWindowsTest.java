package dev.baton.runtime.golf.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every validation target is scored exactly once, by both plans and by any split over ranks. */
class EvalWindowsTest {

    /** How often each of the N − 1 targets is scored by {@code windows}, and the least context it had. */
    private static int[] coverage(List<EvalWindow> windows, int targets, int[] minContext) {
        int[] seen = new int[targets];
        for (EvalWindow w : windows) {
            for (int i = w.scoredFrom(); i < w.length(); i++) {
                seen[w.start() + i]++;
                minContext[0] = Math.min(minContext[0], w.start() + i == 0 ? Integer.MAX_VALUE : i);
            }
        }
        return seen;
    }

    @Test
    void slidingWindowsScoreEveryTargetExactlyOnce() {
        int[][] cases = {{2, 8, 4}, {8, 8, 4}, {9, 8, 4}, {100, 16, 4}, {101, 16, 5}, {1025, 1024, 64}, {5000, 1024, 64},
                {97, 16, 16}, {60, 16, 1}};
        for (int[] c : cases) {
            int stream = c[0];
            int seq = c[1];
            int stride = c[2];
            EvalWindows plan = EvalWindows.sliding(stream, seq, stride);
            int[] minContext = {Integer.MAX_VALUE};
            int[] seen = coverage(plan, stream - 1, minContext);
            for (int i = 0; i < seen.length; i++) {
                assertEquals(1, seen[i], "target " + i + " of " + java.util.Arrays.toString(c));
            }
            // after the first window every target sees at least seq − stride tokens before it
            int firstEnd = Math.min(seq, stream - 1);
            int[] later = {Integer.MAX_VALUE};
            coverage(plan.subList(1, plan.size()), stream - 1, later);
            if (plan.size() > 1) {
                assertTrue(later[0] >= seq - stride, java.util.Arrays.toString(c) + ": context " + later[0]);
            }
            assertEquals(0, plan.get(0).start());
            assertEquals(firstEnd, plan.get(0).length());
            for (EvalWindow w : plan) {
                assertTrue(w.length() <= seq && w.start() + w.length() <= stream - 1, w.toString());
                assertTrue(w.length() == seq || w == plan.get(plan.size() - 1) || plan.get(plan.size() - 1).equals(w),
                        "only the last window may be short: " + w);
            }
        }
        // the records' numbers: stride 64 over 1024-token windows scores the last 64 of each
        EvalWindows plan = EvalWindows.sliding(10_000, 1024, 64);
        assertEquals(new EvalWindow(64, 1024, 960), plan.get(1));
        assertEquals(1 + (9_999 - 1024 + 63) / 64, plan.size());
    }

    @Test
    void sequencesAreTheBaselinesNonOverlappingChunks() {
        EvalWindows plan = EvalWindows.sequences(4097, 1024);
        assertEquals(List.of(new EvalWindow(0, 1024, 0), new EvalWindow(1024, 1024, 0), new EvalWindow(2048, 1024, 0),
                new EvalWindow(3072, 1024, 0)), plan.toList());
        // the tail that does not fill a sequence is not scored, as the baseline truncates it
        EvalWindows cut = EvalWindows.sequences(5000, 1024);
        assertEquals(4, cut.size());
        assertEquals(4096, cut.targets());
        assertThrows(IllegalArgumentException.class, () -> EvalWindows.sequences(1000, 1024));
    }

    @Test
    void rankSlicesPartitionThePlan() {
        EvalWindows plan = EvalWindows.sliding(3000, 128, 32);
        for (int world : new int[] {1, 2, 3, 8, 200}) {
            int[] minContext = {Integer.MAX_VALUE};
            int[] seen = new int[2999];
            int windows = 0;
            for (int r = 0; r < world; r++) {
                EvalWindows part = plan.slice(r, world);
                windows += part.size();
                int[] s = coverage(part, 2999, minContext);
                for (int i = 0; i < s.length; i++) {
                    seen[i] += s[i];
                }
            }
            assertEquals(plan.size(), windows, "world " + world);
            for (int count : seen) {
                assertEquals(1, count, "world " + world);
            }
        }
        assertEquals(plan.get(plan.size() - 1), plan.slice(2, 3).get(plan.slice(2, 3).size() - 1));
    }
}
