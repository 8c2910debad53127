package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed-001 architecture (g11arch) beside seed 002/004 and the GPTQ taps (main): the switches
 * that share the block stack run together with a correct gradient, GPTQ sees each matrix's input
 * after the layerwise norm scale, and the Universal Transformer refuses the block switches.
 */
class GolfMergedSwitchesTest {
    private static final CpuOps OPS = new CpuOps(2);
    /** Seed 001 (LeakyReLU², partial RoPE, ln scale, layers 1..2 looped once more, lanes from 3) on 5 blocks. */
    private static final GolfArchitecture ARCH = new GolfArchitecture(0.5, 4, true, 1, 2, 1, 3);
    private static final GolfConfig BASE = GolfConfig.of(64, 5, 16, 2, 1, 2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    @Test
    void universalRefusesTheBlockSwitches() {
        UniversalConfig ut = new UniversalConfig(DepthSchedule.parse("0:2"), 0);
        for (GolfArchitecture a : List.of(ARCH, new GolfArchitecture(0, 0, false, 1, 2, 1, 0),
                new GolfArchitecture(0, 0, false, 0, 0, 0, 3), new GolfArchitecture(0, 0, true, 0, 0, 0, 0),
                new GolfArchitecture(0.5, 0, false, 0, 0, 0, 0))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BASE.withArch(a).withUniversal(ut));
            assertEquals(GolfConfig.UNIVERSAL_WITH_BLOCK_SWITCHES, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> BASE.withUniversal(ut).withArch(a));
        }
        // partial RoPE lives in the shared attention: allowed, and the plan is empty
        GolfConfig c = BASE.withArch(new GolfArchitecture(0, 4, false, 0, 0, 0, 0)).withUniversal(ut);
        try (ParamSet params = GolfParams.create(OPS, c, 1); GolfGpt gpt = new GolfGpt(OPS, c, params, 8, 16)) {
            assertArrayEquals(new int[0], gpt.layerOrder());
            assertEquals(2, gpt.depth());
            int[] in = {1, 2, 3, 4, 5, 6, 7, 8};
            float loss = OPS.download(gpt.forward(in, in))[0];
            assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
        }
    }

    @Test
    void seedOneWithSeedTwoHasTheGradientOfItsLoss() {
        GolfConfig c = BASE.withArch(ARCH).withInput(new GolfInputConfig(32, 8, true, 24)).withXsa(2);
        try (ParamSet params = GolfParams.create(OPS, c, 3); GolfGpt gpt = new GolfGpt(OPS, c, params, 8, 24)) {
            Random r = new Random(11);
            for (Param p : params.all()) {
                float[] v = OPS.download(p.value());
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (r.nextGaussian() * 0.3);
                }
                OPS.write(p.value(), v);
            }
            int[] in = new int[20];
            int[] tg = new int[20];
            for (int i = 0; i < in.length; i++) {
                in[i] = r.nextInt(64);
                tg[i] = r.nextInt(64);
            }
            for (boolean looping : new boolean[] {false, true}) {
                gpt.setLooping(looping);
                for (Param p : params.all()) {
                    OPS.fill(p.grad(), 0f);
                }
                gpt.forward(in, tg);
                gpt.backward(1f);
                // directional derivative along a random direction over every parameter
                List<float[]> dirs = new ArrayList<>();
                double analytic = 0;
                for (Param p : params.all()) {
                    float[] g = OPS.download(p.grad());
                    float[] d = new float[g.length];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = (float) r.nextGaussian();
                        analytic += d[i] * g[i];
                    }
                    dirs.add(d);
                }
                double eps = 1e-3;
                double plus = shifted(gpt, params, dirs, eps, in, tg);
                double minus = shifted(gpt, params, dirs, -eps, in, tg);
                double numeric = (plus - minus) / (2 * eps);
                assertEquals(analytic, numeric, 0.02 * Math.abs(analytic) + 1e-3,
                        "looping " + looping + ": analytic " + analytic + " numeric " + numeric);
            }
        }
    }

    private static double shifted(GolfGpt gpt, ParamSet params, List<float[]> dirs, double eps, int[] in, int[] tg) {
        int k = 0;
        List<float[]> saved = new ArrayList<>();
        for (Param p : params.all()) {
            float[] v = OPS.download(p.value());
            saved.add(v.clone());
            float[] d = dirs.get(k++);
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (eps * d[i]);
            }
            OPS.write(p.value(), v);
        }
        double loss = OPS.download(gpt.evaluate(in, tg))[0];
        k = 0;
        for (Param p : params.all()) {
            OPS.write(p.value(), saved.get(k++));
        }
        return loss;
    }

    @Test
    void gptqSeesTheInputAfterTheLayerwiseNormScale() {
        GolfConfig c = BASE.withArch(ARCH);
        try (ParamSet params = GolfParams.create(OPS, c, 5); GolfGpt gpt = new GolfGpt(OPS, c, params, 8, 16)) {
            int[] in = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
            List<String> seen = new ArrayList<>();
            gpt.evaluate(in, in, (weights, input) -> {
                String name = weights.get(0);
                if (!name.endsWith("c_q.weight") && !name.endsWith("mlp.fc.weight")) {
                    return;
                }
                int layer = Integer.parseInt(name.split("\\.")[1]);
                float[] x = OPS.download(input);
                int d = c.modelDim();
                double expected = 1 / Math.sqrt(layer + 1);
                for (int row = 0; row < x.length / d; row++) {
                    double ms = 0;
                    for (int j = 0; j < d; j++) {
                        ms += x[row * d + j] * x[row * d + j];
                    }
                    assertEquals(expected, Math.sqrt(ms / d), 1e-4, name + " row " + row);
                }
                seen.add(name);
            });
            // looped order [0,1,2,1,2,3,4]: attention and MLP inputs of every position
            assertEquals(14, seen.size(), seen.toString());
        }
    }
}
