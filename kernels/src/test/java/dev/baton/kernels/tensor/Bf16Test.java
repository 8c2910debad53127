package dev.baton.kernels.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Bf16Test {
    @Test
    void exactValuesRoundTrip() {
        for (float f : new float[] {0f, -0f, 1f, -2.5f, 0.15625f, 65280f, Float.POSITIVE_INFINITY}) {
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(Bf16.round(f)), "value " + f);
        }
    }

    @Test
    void roundsToNearestWithTiesToEven() {
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1)
        assertEquals(1f, Bf16.round(1f + 0x1p-8f));
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties go to 1 + 2^-6 (even)
        assertEquals(1f + 0x1p-6f, Bf16.round(1f + 3 * 0x1p-8f));
        // just above the halfway point rounds up
        assertEquals(1f + 0x1p-7f, Bf16.round(1f + 0x1p-8f + 0x1p-20f));
        assertEquals((short) 0x3dcd, Bf16.fromFloat(0.1f));
    }

    @Test
    void overflowGoesToInfinityAndNanStaysNan() {
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.MAX_VALUE));
        assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
        assertTrue(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.intBitsToFloat(0x7f800001)))));
    }
}
