package dev.baton.runtime.golf.eval;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The n-gram counts and the mix: exact distributions on a small stream, backoff to the highest
 * order whose context was seen min-count times, the entropy-adaptive weight's closed form, and a
 * mixed distribution that sums to 1 even when tiny tables make every hash collide.
 */
class NgramMixerTest {
    private static final int V = 8;

    @Test
    void countsGiveTheDistributionOfTheHighestSeenOrder() {
        NgramTables tables = new NgramTables(new NgramConfig(2, 4, 1 << 16, 2, 0.05, 0.55, 2, 4), V);
        // a b c a b d a b c a b
        int[] s = {0, 1, 2, 0, 1, 3, 0, 1, 2, 0, 1};
        double[] p = new double[V];
        assertEquals(0, tables.distribution(s, 1, p), "nothing counted yet");
        for (int pos = 0; pos + 1 < s.length - 1; pos++) {
            tables.add(s, pos);
        }
        // after "... a b": order 4 context (b a b)? seen once at pos 4 -> below min-count; order 3 (a b) seen 3 times
        int order = tables.distribution(s, s.length - 1, p);
        assertEquals(3, order);
        assertArrayEquals(new double[] {0, 0, 2.0 / 3, 1.0 / 3, 0, 0, 0, 0}, p, 1e-15);
        // after "... c a": order 3 context (c a) seen once, order 2 (a) seen 3 times, always followed by b
        order = tables.distribution(s, 9, p);
        assertEquals(2, order);
        assertEquals(1.0, p[1], 0.0);
    }

    @Test
    void theWeightFollowsTheModelsEntropy() {
        NgramConfig c = NgramConfig.record();
        assertEquals(0.05 + 0.55 / 2, c.alpha(4.0), 1e-15);
        assertEquals(0.05 + 0.55 / (1 + Math.exp(4)), c.alpha(2.0), 1e-15);
        assertTrue(c.alpha(0) < 0.06 && c.alpha(20) > 0.599);
        assertEquals(Math.log(V), NgramMixer.entropy(uniform()), 1e-15);
    }

    @Test
    void theMixSumsToOneEvenWithCollidingTables() {
        Random r = new Random(5);
        int vocab = 64;
        NgramMixer mixer = new NgramMixer(new NgramConfig(2, 11, 4, 1, 0.05, 0.55, 2, 4), vocab);
        int[] s = r.ints(400, 0, 12).toArray();
        double[] model = new double[vocab];
        double[] out = new double[vocab];
        int mixed = 0;
        for (int pos = 0; pos + 1 < s.length; pos++) {
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                model[v] = Math.exp(3 * r.nextGaussian());
                sum += model[v];
            }
            for (int v = 0; v < vocab; v++) {
                model[v] /= sum;
            }
            double alpha = mixer.mix(model, s, pos, out);
            mixed += alpha > 0 ? 1 : 0;
            double total = 0;
            for (double x : out) {
                assertTrue(x >= 0);
                total += x;
            }
            assertEquals(1.0, total, 1e-12, "position " + pos);
            mixer.scored(s, pos);
        }
        assertTrue(mixed > 390, "the counts took part at " + mixed + " positions");
    }

    @Test
    void recordConstantsAreSeed002s() {
        NgramConfig c = NgramConfig.record();
        assertEquals(2, c.minOrder());
        assertEquals(11, c.maxOrder());
        assertEquals(2, c.minCount());
        TestTimeTrainingConfig t = new TestTimeTrainingConfig(100, 0.01, 0.9, 3, 4, 1, true, ".*");
        assertEquals(0.01, t.lrOfChunk(0, 5), 0);
        assertEquals(0.005, t.lrOfChunk(2, 5), 1e-15);
        assertEquals(0.0, t.lrOfChunk(4, 5), 1e-15);
        assertEquals(0.01, TestTimeTrainingConfig.record().lrOfChunk(3, 5), 0);
        assertEquals(32_000, TestTimeTrainingConfig.record().chunkTokens());
    }

    private static double[] uniform() {
        double[] p = new double[V];
        java.util.Arrays.fill(p, 1.0 / V);
        return p;
    }
}
