package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Finite-difference gradient checks of seed 002's input stage and XSA and of seed 004's Universal
 * Transformer, each on the whole micro model (vocabulary 64, d 16, 4 heads over 2 K/V heads) with
 * a batch of three sequences (8, 8 and 4 tokens at seqLen 8), every parameter perturbed off its init.
 */
class GolfSeedTwoGradientTest {
    private static final CpuOps OPS = new CpuOps(2);
    private static final GolfConfig MICRO = GolfConfig.of(64, 4, 16, 4, 2, 2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    private static int check(GolfConfig config) {
        Random r = new Random(17);
        int[] inputs = new int[20];
        int[] targets = new int[20];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = r.nextInt(64);
            targets[i] = r.nextInt(64);
        }
        try (ParamSet params = GolfParams.create(OPS, config, 3)) {
            GolfModelCheck.perturb(OPS, params, 11, 0.3);
            try (GolfGpt gpt = new GolfGpt(OPS, config, params, 8, 24)) {
                return GolfModelCheck.checkAllGradients(OPS, gpt, inputs, targets);
            }
        }
    }

    @Test
    void bigramHashSmearGateAndPreEnrichment() {
        GolfConfig c = MICRO.withInput(new GolfInputConfig(32, 8, true, 24));
        // skip_weights, tok_emb, bigram embed and proj, smear, pre_enrich x2, 4 blocks x 10 (4 picks
        // each), and the one-element bigram.scale
        assertEquals((7 + 40) * 4 + 1, check(c));
    }

    @Test
    void exclusiveSelfAttentionOnTheLastTwoBlocks() {
        assertEquals((2 + 40) * 4, check(MICRO.withXsa(2)));
    }

    @Test
    void universalTransformerAtThreeDepths() {
        GolfConfig c = MICRO.withUniversal(new UniversalConfig(DepthSchedule.parse("0:3"), 0));
        // tok_emb, 2 x 6 attention tensors, 4 MLP tensors, 3 depths x 3 norms x 2
        assertEquals((1 + 12 + 4 + 18) * 4, check(c));
    }
}
