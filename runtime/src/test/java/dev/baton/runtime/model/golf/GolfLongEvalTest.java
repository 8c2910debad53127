package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluation longer than training (seed 001 trains at 8192 and evaluates at 32000): a second model
 * over the same parameters with a 4x longer sequence scores a stream in one causal window whose first
 * seqLen tokens agree with the training-length model and whose later tokens see the longer context;
 * beyond the training length the rotary base is rescaled NTK-style.
 */
class GolfLongEvalTest {

    @Test
    void aLongerEvaluationWindowOverTheSameWeightsIsCausalAndUsesTheContext() {
        GolfConfig c = GolfConfig.of(64, 5, 16, 2, 1, 2).withArch(new GolfArchitecture(0.5, 4, true, 1, 2, 1, 3));
        int train = 8;
        int eval = 32;
        int[] in = new int[eval];
        int[] tg = new int[eval];
        Random r = new Random(9);
        for (int i = 0; i < eval; i++) {
            in[i] = r.nextInt(64);
            tg[i] = r.nextInt(64);
        }
        try (CpuOps ops = new CpuOps(2); ParamSet params = GolfParams.create(ops, c, 2)) {
            for (Param p : params.all()) {
                float[] v = ops.download(p.value());
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.2 * r.nextGaussian());
                }
                ops.write(p.value(), v);
            }
            float[] shortWindows;
            float[] longWindow;
            try (GolfGpt g = new GolfGpt(ops, c, params, train, eval)) {
                shortWindows = ops.download(g.tokenLosses(in, tg));
            }
            try (GolfGpt g = new GolfGpt(ops, c, params, eval, eval)) {
                longWindow = ops.download(g.tokenLosses(in, tg));
                assertEquals(eval, g.seqLen());
            }
            for (int i = 0; i < train; i++) {
                assertEquals(shortWindows[i], longWindow[i], 1e-5f, "token " + i + " has the same context");
            }
            double differs = 0;
            for (int i = train; i < eval; i++) {
                differs = Math.max(differs, Math.abs(shortWindows[i] - longWindow[i]));
            }
            assertTrue(differs > 1e-3, "tokens past the training length see more context: " + differs);
        }
    }

    @Test
    void ropeBaseIsRescaledOnlyBeyondTheTrainingLength() {
        GolfConfig record = GolfConfig.of(1024, 11, 512, 8, 4, 4).withArch(GolfArchitecture.record());
        assertEquals(1e4 * Math.pow(32000.0 / 8192, 16.0 / 14), record.forEvalLength(8192, 32000).ropeBase(), 1e-6);
        assertSame(record, record.forEvalLength(8192, 8192));
        // the whole 64-channel head rotating: exponent 64/62
        GolfConfig full = GolfConfig.of(1024, 9, 512, 8, 4, 2);
        assertEquals(1e4 * Math.pow(2, 64.0 / 62), full.forEvalLength(1024, 2048).ropeBase(), 1e-6);
    }
}
