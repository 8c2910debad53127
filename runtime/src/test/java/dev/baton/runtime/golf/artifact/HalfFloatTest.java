package dev.baton.runtime.golf.artifact;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fp16 and bf16 rounding: known bit patterns, ties to even, and the exhaustive fp16 round trip. */
class HalfFloatTest {
    @Test
    void knownPatterns() {
        assertEquals(0x3C00, HalfFloat.toHalf(1f) & 0xFFFF);
        assertEquals(0xC000, HalfFloat.toHalf(-2f) & 0xFFFF);
        assertEquals(0x3555, HalfFloat.toHalf(1f / 3) & 0xFFFF);
        assertEquals(0x7BFF, HalfFloat.toHalf(65504f) & 0xFFFF, "largest finite");
        assertEquals(0x7C00, HalfFloat.toHalf(65520f) & 0xFFFF, "halfway past the largest rounds to even: infinity");
        assertEquals(0x7BFF, HalfFloat.toHalf(65519f) & 0xFFFF);
        assertEquals(0x0001, HalfFloat.toHalf(0x1p-24f) & 0xFFFF, "smallest subnormal");
        assertEquals(0x0000, HalfFloat.toHalf(0x1p-25f) & 0xFFFF, "half of it ties to even zero");
        assertEquals(0x0001, HalfFloat.toHalf(0x1.8p-25f) & 0xFFFF);
        assertEquals(0x0002, HalfFloat.toHalf(0x1.8p-24f) & 0xFFFF, "1.5 subnormal steps tie to even 2");
        assertEquals(0x8000, HalfFloat.toHalf(-0f) & 0xFFFF);
        assertEquals(0x3C00, HalfFloat.toHalf(1f + 0x1p-11f) & 0xFFFF, "tie below: stays at even 1.0");
        assertEquals(0x3C02, HalfFloat.toHalf(1f + 0x1.8p-10f) & 0xFFFF, "tie above odd: up to even");
        assertTrue(Float.isNaN(HalfFloat.fromHalf(HalfFloat.toHalf(Float.NaN))));
    }

    @Test
    void everyHalfSurvivesTheRoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloat.fromHalf((short) h);
            if (!Float.isNaN(f)) {
                assertEquals(h, HalfFloat.toHalf(f) & 0xFFFF, "pattern " + Integer.toHexString(h));
            }
        }
    }

    @Test
    void bfloat16RoundsToEven() {
        assertEquals(1f, HalfFloat.roundToBfloat16(1f + 0x1p-8f), "tie between 1 and 1 + 2^-7: even");
        assertEquals(1f + 0x1p-6f, HalfFloat.roundToBfloat16(1f + 0x1.8p-7f), "tie above an odd mantissa: up");
        assertEquals(1f + 0x1p-7f, HalfFloat.roundToBfloat16(1f + 0x1.1p-7f));
        assertEquals(-3f, HalfFloat.roundToBfloat16(-3f));
    }
}
