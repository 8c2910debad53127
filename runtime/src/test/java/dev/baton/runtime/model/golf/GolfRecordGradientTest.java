package dev.baton.runtime.model.golf;

import dev.baton.runtime.model.FiniteDifferenceCheck;
import dev.baton.runtime.ops.cpu.CpuOps;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference gradient check of the golf model with every seed-001 switch on, on a micro
 * configuration: 5 blocks of d = 16, 4 heads of 8 over 2 K/V heads, LeakyReLU(0.5)², rotary on 4 of
 * 8 head channels, layerwise norm scale, layers 1..2 looped once more (7 positions, 3 skips) and
 * dual-lane parallel residuals from layer 3; checked in the plain and in the looped order.
 */
class GolfRecordGradientTest {
    static final GolfArchitecture ARCH = new GolfArchitecture(0.5, 4, true, 1, 2, 1, 3);
    static final GolfConfig CONFIG = GolfConfig.of(64, 5, 16, 2, 1, 2).withArch(ARCH);
    @AutoClose
    private static final PerturbedGolfModel MODEL = new PerturbedGolfModel(CONFIG);
    private static final CpuOps OPS = MODEL.ops;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyParameterGradientMatchesFiniteDifferences(boolean looping) {
        MODEL.gpt.setLooping(looping);
        FiniteDifferenceCheck.zeroGrads(OPS, MODEL.params);
        MODEL.gpt.forward(MODEL.inputs, MODEL.targets);
        MODEL.gpt.backward(1f);
        int checked = FiniteDifferenceCheck.central(OPS, MODEL::loss, 1e-2).checkAll(MODEL.params,
                FiniteDifferenceCheck.largestAndRandom(3), new Random(5), 2e-4, 2e-2, " looping=" + looping,
                (p, largest) -> assertTrue(Math.abs(largest) > 1e-5, p.name() + " has no gradient at all"));
        assertEquals(3 * GolfParams.shapes(CONFIG).size(), checked);
    }
}
