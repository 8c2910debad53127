package dev.baton.runtime.model.golf;

import dev.baton.runtime.model.FiniteDifferenceCheck;
import dev.baton.runtime.ops.cpu.CpuOps;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole-model gradient check of the golf GPT on a micro configuration: 5 blocks (2 encoder, 3
 * decoder, so one decoder block takes no skip), d = 16, 4 query heads over 2 K/V heads of 4, MLP
 * 2x, vocabulary 64; a batch of three sequences (8, 8 and 4 tokens at seqLen 8). Every parameter
 * is moved away from the baseline's zero and unit inits so that every path carries gradient.
 */
class GolfGradientTest {
    private static final GolfConfig CONFIG = GolfConfig.of(64, 5, 16, 4, 2, 2);
    @AutoClose
    private static final PerturbedGolfModel MODEL = new PerturbedGolfModel(CONFIG);
    private static final CpuOps OPS = MODEL.ops;

    private static void zeroGrads() {
        FiniteDifferenceCheck.zeroGrads(OPS, MODEL.params);
    }

    @Test
    void everyParameterGradientMatchesFiniteDifferences() {
        zeroGrads();
        MODEL.gpt.forward(MODEL.inputs, MODEL.targets);
        MODEL.gpt.backward(1f);
        // the largest-gradient element and a few random ones; q_gain (4 values) whole
        int checked = FiniteDifferenceCheck.central(OPS, MODEL::loss, 1e-2).checkAll(MODEL.params,
                FiniteDifferenceCheck.smallWhole(4, 4), new Random(5), 2e-4, 2e-2, "",
                (p, largest) -> assertTrue(Math.abs(largest) > 1e-4, p.name() + " has no gradient at all"));
        assertEquals(52 * 4, checked);
    }

    @Test
    void backwardAccumulatesAcrossCalls() {
        zeroGrads();
        MODEL.gpt.forward(MODEL.inputs, MODEL.targets);
        MODEL.gpt.backward(1f);
        String name = GolfParams.block(1, GolfParams.C_K);
        float[] once = OPS.download(MODEL.params.get(name).grad());
        float[] skipOnce = OPS.download(MODEL.params.get(GolfParams.SKIP_WEIGHTS).grad());
        MODEL.gpt.forward(MODEL.inputs, MODEL.targets);
        MODEL.gpt.backward(0.5f);
        float[] after = OPS.download(MODEL.params.get(name).grad());
        float[] skipAfter = OPS.download(MODEL.params.get(GolfParams.SKIP_WEIGHTS).grad());
        for (int i = 0; i < once.length; i++) {
            assertEquals(1.5f * once[i], after[i], 1e-6f + 1e-5f * Math.abs(once[i]));
        }
        for (int i = 0; i < skipOnce.length; i++) {
            assertEquals(1.5f * skipOnce[i], skipAfter[i], 1e-6f + 1e-5f * Math.abs(skipOnce[i]));
        }
    }

    @Test
    void evaluationFormsAgreeWithTraining() {
        float mean = OPS.download(MODEL.gpt.forward(MODEL.inputs, MODEL.targets))[0];
        float[] perToken = OPS.download(MODEL.gpt.tokenLosses(MODEL.inputs, MODEL.targets));
        double sum = 0;
        for (float l : perToken) {
            sum += l;
        }
        assertEquals(20, perToken.length);
        assertEquals(mean, sum / 20, 1e-5 * mean);
        assertEquals(mean, OPS.download(MODEL.gpt.evaluate(MODEL.inputs, MODEL.targets))[0], 1e-6f * mean);
        assertThrows(IllegalStateException.class, () -> MODEL.gpt.backward(1f));
    }
}
