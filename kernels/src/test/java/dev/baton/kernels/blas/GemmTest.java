package dev.baton.kernels.blas;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GemmTest {
    @Test
    void batchedStridesAreDenseAndASharedBHasStrideZero() {
        Gemm g = Gemm.batched(4, 8, 16, 32, false, true, true, GemmType.BF16, GemmType.F32);
        assertEquals(8 * 32, g.strideA());
        assertEquals(0, g.strideB());
        assertEquals(8 * 16, g.strideC());
        assertEquals(2.0 * 8 * 16 * 32 * 4, g.flops());
    }

    @Test
    void aSingleGemmHasNoStrides() {
        Gemm g = new Gemm(2, 3, 4, false, false, 1, 99, 99, 99, GemmType.BF16, GemmType.BF16);
        assertEquals(0, g.strideA());
        assertEquals(0, g.strideC());
    }

    @Test
    void overlappingOutputsAndEmptySizesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new Gemm(2, 3, 4, false, false, 2, 8, 12, 5, GemmType.BF16, GemmType.BF16));
        assertThrows(IllegalArgumentException.class, () -> Gemm.of(0, 3, 4, false, false, GemmType.BF16, GemmType.F32));
    }
}
