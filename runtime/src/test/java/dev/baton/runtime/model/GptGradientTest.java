package dev.baton.runtime.model;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole-model gradient check on the micro layout (4 layers, d = 16, 2 heads of 8, vocabulary 128):
 * every parameter is perturbed away from the record's zero inits so every path carries gradient,
 * the batch packs three documents into 24 tokens with windows that cut them.
 */
class GptGradientTest {
    private static final CpuOps OPS = new CpuOps(2);
    private static final GptConfig CONFIG = GptConfig.standard(128, LayerLayout.micro(), 16, 2, 8).withBlockSize(4);
    private static final ForwardSchedule SCHEDULE = new ForwardSchedule(new float[] {1f, 0.5f, 0.25f}, 1, 3);
    private static ParamSet params;
    private static Gpt gpt;
    private static Batch batch;

    @BeforeAll
    static void build() {
        params = GptParams.create(OPS, CONFIG, 7);
        Random r = new Random(11);
        ParamPerturbation.perturb(OPS, params, r,
                p -> p.name().equals(GptParams.SCALARS) || p.name().equals(GptParams.X0_LAMBDAS) ? 0.2 : 0.3);
        int t = 24;
        int[] in = new int[t];
        int[] tg = new int[t];
        for (int i = 0; i < t; i++) {
            in[i] = r.nextInt(128);
            tg[i] = r.nextInt(128);
        }
        batch = new Batch(in, tg, new int[] {0, 7, 15, 24});
        gpt = new Gpt(OPS, CONFIG, params, 32);
    }

    @AfterAll
    static void close() {
        gpt.close();
        params.close();
        OPS.close();
    }

    private static double loss() {
        return OPS.download(gpt.forward(batch, SCHEDULE))[0];
    }

    private static void zeroGrads() {
        FiniteDifferenceCheck.zeroGrads(OPS, params);
    }

    @Test
    void everyParameterGradientMatchesFiniteDifferences() {
        zeroGrads();
        gpt.forward(batch, SCHEDULE);
        gpt.backward(1f);
        // every element of the small vectors (each λ has its own reduction); else the
        // largest-gradient element plus a few random ones
        int checked = FiniteDifferenceCheck.central(OPS, GptGradientTest::loss, 1e-2).checkAll(params,
                FiniteDifferenceCheck.smallWhole(48, 5), new Random(5), 3e-3, 2e-2, "", (p, largest) -> {
                    if (p.name().startsWith(GptParams.VALUE_EMBEDS) || p.name().equals(GptParams.EMBED)) {
                        return;   // sparse: most rows get no gradient
                    }
                    assertTrue(Math.abs(largest) > 1e-3, p.name() + " has no gradient at all");
                });
        // 12 parameters (two value-embedding tables in the micro layout); smear and skip gates (12 each),
        // scalars (16) and x0_lambdas (4) checked whole
        assertEquals(8 * 5 + 12 + 12 + 16 + 4, checked);
    }

    @Test
    void backwardAccumulatesAcrossCalls() {
        zeroGrads();
        gpt.forward(batch, SCHEDULE);
        gpt.backward(1f);
        float[] once = OPS.download(params.get(GptParams.ATTN_BANK).grad());
        float[] scalarsOnce = OPS.download(params.get(GptParams.SCALARS).grad());
        gpt.forward(batch, SCHEDULE);
        gpt.backward(0.5f);
        float[] after = OPS.download(params.get(GptParams.ATTN_BANK).grad());
        float[] scalarsAfter = OPS.download(params.get(GptParams.SCALARS).grad());
        for (int i = 0; i < once.length; i += 97) {
            assertEquals(1.5f * once[i], after[i], 1e-5f + 1e-5f * Math.abs(once[i]));
        }
        for (int i = 0; i < scalarsOnce.length; i++) {
            assertEquals(1.5f * scalarsOnce[i], scalarsAfter[i], 1e-5f + 1e-5f * Math.abs(scalarsOnce[i]));
        }
    }

    @Test
    void evaluationIsTheMeanNextTokenLoss() {
        // with weights {1} the training loss is the sum of the evaluation form's per-token terms
        float sum = OPS.download(gpt.forward(batch, new ForwardSchedule(new float[] {1f}, 1, 3)))[0];
        float mean = OPS.download(gpt.evaluate(batch, SCHEDULE))[0];
        assertEquals(sum / 24, mean, 1e-5f * Math.abs(mean));
        assertThrows();
    }

    private static void assertThrows() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> gpt.backward(1f));
    }
}
