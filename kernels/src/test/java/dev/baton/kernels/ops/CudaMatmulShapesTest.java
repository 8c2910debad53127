package dev.baton.kernels.ops;

import dev.baton.kernels.blas.Gemm;
import dev.baton.kernels.blas.GemmType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CudaMatmulShapesTest {
    private static final GemmType BF = GemmType.BF16;

    @Test
    void transposedOperandsGiveTheProductSizes() {
        Gemm g = CudaMatmul.describe(Shape.of(64, 32), true, Shape.of(48, 64), true, Shape.of(32, 48), BF, BF, GemmType.F32);
        assertEquals(Gemm.of(32, 48, 64, true, true, BF, GemmType.F32), g);
    }

    @Test
    void a2dBInABatchedProductIsShared() {
        Gemm g = CudaMatmul.describe(Shape.of(3, 4, 5), false, Shape.of(5, 6), false, Shape.of(3, 4, 6), BF, BF, BF);
        assertEquals(Gemm.batched(3, 4, 6, 5, false, false, true, BF, BF), g);
        assertEquals(0, g.strideB());
    }

    @Test
    void disagreeingShapesAndMixedInputTypesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> CudaMatmul.describe(Shape.of(4, 5), false, Shape.of(6, 7), false, Shape.of(4, 7), BF, BF, BF));
        assertThrows(IllegalArgumentException.class,
                () -> CudaMatmul.describe(Shape.of(3, 4, 5), false, Shape.of(2, 5, 6), false, Shape.of(3, 4, 6), BF, BF, BF));
        assertThrows(IllegalArgumentException.class,
                () -> CudaMatmul.describe(Shape.of(4, 5), false, Shape.of(5, 6), false, Shape.of(4, 6), BF,
                        GemmType.F32, BF));
    }
}
