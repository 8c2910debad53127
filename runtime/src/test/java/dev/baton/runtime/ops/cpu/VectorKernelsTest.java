package dev.baton.runtime.ops.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tier-independent building blocks: exp from exactly rounded operations stays within 2 ulp of
 * {@code Math.exp}, its vector and scalar forms give the same bits, and lane sums run in lane order.
 */
class VectorKernelsTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void expIsWithinTwoUlpOfMathExpOverTheWholeNormalRange() {
        double worst = 0;
        for (float x = -87f; x <= 88f; x += 0.0137f) {
            float want = (float) Math.exp(x);
            float got = VectorKernels.exp(x);
            worst = Math.max(worst, Math.abs(got - want) / Math.ulp(want));
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
        assertEquals(1f, VectorKernels.exp(0f));
        assertTrue(VectorKernels.exp(-1000f) < 1e-37f, "clamped: a tiny normal instead of 0");
        assertTrue(Float.isFinite(VectorKernels.exp(1000f)), "clamped below overflow");
    }

    @Test
    void vectorAndScalarExpGiveTheSameBits() {
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[L * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 200 - 100);
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += L) {
            VectorKernels.expLanes(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i)).intoArray(out, i);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(VectorKernels.exp(x[i])), Float.floatToIntBits(out[i]), "x = " + x[i]);
        }
    }

    @Test
    void laneSumsRunInLaneOrder() {
        float[] v = new float[L];
        v[0] = 1e8f;
        for (int i = 1; i < L; i++) {
            v[i] = 1f;   // each +1 is lost against 1e8 in lane order; another order may round differently
        }
        float sequential = v[0];
        for (int i = 1; i < L; i++) {
            sequential += v[i];
        }
        assertEquals(sequential, VectorKernels.sumLanes(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, v, 0)));
    }
}
