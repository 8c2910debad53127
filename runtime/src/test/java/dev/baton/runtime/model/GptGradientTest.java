package dev.baton.runtime.model;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
        for (Param p : params.all()) {
            float[] v = OPS.download(p.value());
            double std = p.name().equals(GptParams.SCALARS) || p.name().equals(GptParams.X0_LAMBDAS) ? 0.2 : 0.3;
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (r.nextGaussian() * std);
            }
            OPS.write(p.value(), v);
        }
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
        for (Param p : params.all()) {
            OPS.fill(p.grad(), 0f);
        }
    }

    @Test
    void everyParameterGradientMatchesFiniteDifferences() {
        zeroGrads();
        gpt.forward(batch, SCHEDULE);
        gpt.backward(1f);
        Random r = new Random(5);
        double eps = 1e-2;
        int checked = 0;
        for (Param p : params.all()) {
            float[] grad = OPS.download(p.grad());
            float[] value = OPS.download(p.value());
            // every element of the small vectors (each λ has its own reduction); else the
            // largest-gradient element plus a few random ones
            int[] picks = new int[grad.length <= 48 ? grad.length : 5];
            int best = 0;
            for (int i = 1; i < grad.length; i++) {
                if (Math.abs(grad[i]) > Math.abs(grad[best])) {
                    best = i;
                }
            }
            picks[0] = best;
            for (int j = 1; j < picks.length; j++) {
                picks[j] = grad.length <= 48 ? j : r.nextInt(grad.length);
            }
            for (int i : picks) {
                float orig = value[i];
                value[i] = (float) (orig + eps);
                OPS.write(p.value(), value);
                double up = loss();
                value[i] = (float) (orig - eps);
                OPS.write(p.value(), value);
                double down = loss();
                value[i] = orig;
                OPS.write(p.value(), value);
                double fd = (up - down) / (2 * eps);
                double tol = 3e-3 + 2e-2 * Math.abs(fd);
                if (Math.abs(fd - grad[i]) > tol) {
                    fail(p.name() + "[" + i + "]: analytic " + grad[i] + " vs finite difference " + fd);
                }
                checked++;
            }
            if (p.name().startsWith(GptParams.VALUE_EMBEDS) || p.name().equals(GptParams.EMBED)) {
                continue;   // sparse: most rows get no gradient
            }
            assertTrue(Math.abs(grad[best]) > 1e-3, p.name() + " has no gradient at all");
        }
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
