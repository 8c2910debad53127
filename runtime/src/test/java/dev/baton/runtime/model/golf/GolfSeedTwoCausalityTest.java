package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Causality of every new mixing (BigramHash, SmearGate, pre-enrichment, XSA, the Universal
 * Transformer): changing the tokens after position t leaves every per-token loss at positions ≤ t
 * bit-identical, and a token's loss does change when an earlier token changes (the mixing is real).
 * Two sequences of 12 per batch, so a sequence start must also cut the bigram and the smear.
 */
class GolfSeedTwoCausalityTest {
    private static final CpuOps OPS = new CpuOps(2);
    private static final GolfConfig MICRO = GolfConfig.of(64, 3, 16, 4, 2, 2);
    private static final int SEQ = 12;

    @AfterAll
    static void close() {
        OPS.close();
    }

    private static float[] losses(GolfGpt gpt, int[] in, int[] tg) {
        return OPS.download(gpt.tokenLosses(in, tg));
    }

    private static void assertCausal(GolfConfig config) {
        Random r = new Random(23);
        int[] in = new int[2 * SEQ];
        int[] tg = new int[2 * SEQ];
        for (int i = 0; i < in.length; i++) {
            in[i] = r.nextInt(64);
            tg[i] = r.nextInt(64);
        }
        try (ParamSet params = GolfParams.create(OPS, config, 9)) {
            GolfModelCheck.perturb(OPS, params, 4, 0.2);
            try (GolfGpt gpt = new GolfGpt(OPS, config, params, SEQ, 2 * SEQ)) {
                float[] base = losses(gpt, in, tg);
                for (int t : new int[] {0, 5, SEQ - 2}) {
                    int[] in2 = in.clone();
                    int[] tg2 = tg.clone();
                    for (int i = t + 1; i < SEQ; i++) {
                        in2[i] = (in2[i] + 1 + i) % 64;
                        tg2[i] = (tg2[i] + 7) % 64;
                    }
                    float[] changed = losses(gpt, in2, tg2);
                    assertArrayEquals(Arrays.copyOf(base, t + 1), Arrays.copyOf(changed, t + 1),
                            "positions <= " + t + " moved when later tokens changed");
                    // the second sequence never sees the first
                    assertArrayEquals(Arrays.copyOfRange(base, SEQ, 2 * SEQ), Arrays.copyOfRange(changed, SEQ, 2 * SEQ));
                    assertNotEquals(base[t + 1], changed[t + 1]);
                }
                // the loss at position 5 depends on the token at 4 (the mixing reaches forward)
                int[] in3 = in.clone();
                in3[4] = (in3[4] + 5) % 64;
                float[] moved = losses(gpt, in3, tg);
                assertArrayEquals(Arrays.copyOf(base, 4), Arrays.copyOf(moved, 4));
                assertNotEquals(base[5], moved[5]);
                assertEquals(base[SEQ], moved[SEQ]);
            }
        }
    }

    @Test
    void bigramHash() {
        assertCausal(MICRO.withInput(new GolfInputConfig(16, 8, false, 0)));
    }

    @Test
    void smearGate() {
        assertCausal(MICRO.withInput(new GolfInputConfig(0, 8, true, 0)));
    }

    @Test
    void preEnrichment() {
        assertCausal(MICRO.withInput(new GolfInputConfig(0, 8, false, 24)));
    }

    @Test
    void exclusiveSelfAttentionOnEveryBlock() {
        assertCausal(MICRO.withXsa(3));
    }

    @Test
    void universalTransformer() {
        assertCausal(MICRO.withUniversal(new UniversalConfig(DepthSchedule.parse("0:3"), 0)));
    }

    @Test
    void everythingTogether() {
        assertCausal(MICRO.withInput(new GolfInputConfig(16, 8, true, 24)).withXsa(2));
    }
}
