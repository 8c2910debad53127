package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whole-model gradient check of the golf GPT on a micro configuration: 5 blocks (2 encoder, 3
 * decoder, so one decoder block takes no skip), d = 16, 4 query heads over 2 K/V heads of 4, MLP
 * 2x, vocabulary 64; a batch of three sequences (8, 8 and 4 tokens at seqLen 8). Every parameter
 * is moved away from the baseline's zero and unit inits so that every path carries gradient.
 */
class GolfGradientTest {
    private static final CpuOps OPS = new CpuOps(2);
    private static final GolfConfig CONFIG = GolfConfig.of(64, 5, 16, 4, 2, 2);
    private static final int SEQ = 8;
    private static ParamSet params;
    private static GolfGpt gpt;
    private static int[] inputs;
    private static int[] targets;

    @BeforeAll
    static void build() {
        params = GolfParams.create(OPS, CONFIG, 3);
        Random r = new Random(17);
        for (Param p : params.all()) {
            float[] v = OPS.download(p.value());
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (r.nextGaussian() * 0.3);
            }
            OPS.write(p.value(), v);
        }
        inputs = new int[20];
        targets = new int[20];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = r.nextInt(64);
            targets[i] = r.nextInt(64);
        }
        gpt = new GolfGpt(OPS, CONFIG, params, SEQ, 24);
    }

    @AfterAll
    static void close() {
        gpt.close();
        params.close();
        OPS.close();
    }

    private static double loss() {
        return OPS.download(gpt.forward(inputs, targets))[0];
    }

    private static void zeroGrads() {
        for (Param p : params.all()) {
            OPS.fill(p.grad(), 0f);
        }
    }

    @Test
    void everyParameterGradientMatchesFiniteDifferences() {
        zeroGrads();
        gpt.forward(inputs, targets);
        gpt.backward(1f);
        Random r = new Random(5);
        double eps = 1e-2;
        int checked = 0;
        for (Param p : params.all()) {
            float[] grad = OPS.download(p.grad());
            float[] value = OPS.download(p.value());
            // the largest-gradient element and a few random ones; q_gain (4 values) whole
            int[] picks = new int[grad.length <= 4 ? grad.length : 4];
            int best = 0;
            for (int i = 1; i < grad.length; i++) {
                if (Math.abs(grad[i]) > Math.abs(grad[best])) {
                    best = i;
                }
            }
            picks[0] = best;
            for (int j = 1; j < picks.length; j++) {
                picks[j] = grad.length <= 4 ? j : r.nextInt(grad.length);
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
                double tol = 2e-4 + 2e-2 * Math.abs(fd);
                if (Math.abs(fd - grad[i]) > tol) {
                    fail(p.name() + "[" + i + "]: analytic " + grad[i] + " vs finite difference " + fd);
                }
                checked++;
            }
            assertTrue(Math.abs(grad[best]) > 1e-4, p.name() + " has no gradient at all");
        }
        // 2 + 5 blocks x 10 parameters, 4 picks each
        assertEquals(52 * 4, checked);
    }

    @Test
    void backwardAccumulatesAcrossCalls() {
        zeroGrads();
        gpt.forward(inputs, targets);
        gpt.backward(1f);
        String name = GolfParams.block(1, GolfParams.C_K);
        float[] once = OPS.download(params.get(name).grad());
        float[] skipOnce = OPS.download(params.get(GolfParams.SKIP_WEIGHTS).grad());
        gpt.forward(inputs, targets);
        gpt.backward(0.5f);
        float[] after = OPS.download(params.get(name).grad());
        float[] skipAfter = OPS.download(params.get(GolfParams.SKIP_WEIGHTS).grad());
        for (int i = 0; i < once.length; i++) {
            assertEquals(1.5f * once[i], after[i], 1e-6f + 1e-5f * Math.abs(once[i]));
        }
        for (int i = 0; i < skipOnce.length; i++) {
            assertEquals(1.5f * skipOnce[i], skipAfter[i], 1e-6f + 1e-5f * Math.abs(skipOnce[i]));
        }
    }

    @Test
    void evaluationFormsAgreeWithTraining() {
        float mean = OPS.download(gpt.forward(inputs, targets))[0];
        float[] perToken = OPS.download(gpt.tokenLosses(inputs, targets));
        double sum = 0;
        for (float l : perToken) {
            sum += l;
        }
        assertEquals(20, perToken.length);
        assertEquals(mean, sum / 20, 1e-5 * mean);
        assertEquals(mean, OPS.download(gpt.evaluate(inputs, targets))[0], 1e-6f * mean);
        assertThrows(IllegalStateException.class, () -> gpt.backward(1f));
    }
}
