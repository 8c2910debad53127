package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference gradient check of the golf model with every seed-001 switch on, on a micro
 * configuration: 5 blocks of d = 16, 4 heads of 8 over 2 K/V heads, LeakyReLU(0.5)², rotary on 4 of
 * 8 head channels, layerwise norm scale, layers 1..2 looped once more (7 positions, 3 skips) and
 * dual-lane parallel residuals from layer 3; checked in the plain and in the looped order.
 */
class GolfRecordGradientTest {
    static final GolfArchitecture ARCH = new GolfArchitecture(0.5, 4, true, 1, 2, 1, 3);
    static final GolfConfig CONFIG = GolfConfig.of(64, 5, 16, 2, 1, 2).withArch(ARCH);
    private static final CpuOps OPS = new CpuOps(2);
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

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyParameterGradientMatchesFiniteDifferences(boolean looping) {
        gpt.setLooping(looping);
        for (Param p : params.all()) {
            OPS.fill(p.grad(), 0f);
        }
        gpt.forward(inputs, targets);
        gpt.backward(1f);
        Random r = new Random(5);
        double eps = 1e-2;
        int checked = 0;
        for (Param p : params.all()) {
            float[] grad = OPS.download(p.grad());
            float[] value = OPS.download(p.value());
            int best = 0;
            for (int i = 1; i < grad.length; i++) {
                if (Math.abs(grad[i]) > Math.abs(grad[best])) {
                    best = i;
                }
            }
            int[] picks = {best, r.nextInt(grad.length), r.nextInt(grad.length)};
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
                if (Math.abs(fd - grad[i]) > 2e-4 + 2e-2 * Math.abs(fd)) {
                    fail(p.name() + "[" + i + "] looping=" + looping + ": analytic " + grad[i] + " vs finite difference "
                            + fd);
                }
                checked++;
            }
            assertTrue(Math.abs(grad[best]) > 1e-5, p.name() + " has no gradient at all");
        }
        assertEquals(3 * GolfParams.shapes(CONFIG).size(), checked);
    }
}
