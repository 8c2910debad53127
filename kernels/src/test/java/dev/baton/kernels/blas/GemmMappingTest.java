package dev.baton.kernels.blas;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The row-major → column-major mapping that {@link CublasLt} hands to cuBLASLt, checked on the
 * CPU: a column-major GEMM run with the mapped parameters over the same buffers (operands
 * swapped) must give exactly what {@code CpuOps.matmul} gives.
 */
class GemmMappingTest {
    private static CpuOps cpu;

    @BeforeAll
    static void open() {
        cpu = new CpuOps(1);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @ParameterizedTest
    @CsvSource({
        "1, 5, 7, 3, false, false, false",
        "1, 5, 7, 3, true, false, false",
        "1, 5, 7, 3, false, true, false",
        "1, 5, 7, 3, true, true, false",
        "3, 4, 6, 5, false, false, false",
        "3, 4, 6, 5, true, true, false",
        "3, 4, 6, 5, false, true, true",
        "2, 1, 9, 2, true, false, true",
    })
    void columnMajorMappingComputesTheRowMajorProduct(int batch, int m, int n, int k, boolean transA,
                                                     boolean transB, boolean sharedB) {
        Random rnd = new Random(1000L * m + 100L * n + 10L * k + batch + (transA ? 7 : 0) + (transB ? 13 : 0));
        Shape aShape = batch == 1 ? Shape.of(transA ? k : m, transA ? m : k)
                : Shape.of(batch, transA ? k : m, transA ? m : k);
        Shape bShape = batch == 1 || sharedB ? Shape.of(transB ? n : k, transB ? k : n)
                : Shape.of(batch, transB ? n : k, transB ? k : n);
        Shape cShape = batch == 1 ? Shape.of(m, n) : Shape.of(batch, m, n);
        float[] a = random(rnd, (int) aShape.numel());
        float[] b = random(rnd, (int) bShape.numel());
        float[] c = random(rnd, (int) cShape.numel());
        float alpha = 0.75f;
        float beta = -0.5f;

        float[] expected;
        try (Tensor ta = cpu.upload(a, aShape, DType.F32); Tensor tb = cpu.upload(b, bShape, DType.F32);
             Tensor tc = cpu.upload(c, cShape, DType.F32)) {
            cpu.matmul(ta, transA, tb, transB, tc, alpha, beta);
            expected = cpu.download(tc);
        }

        Gemm gemm = batch == 1 ? Gemm.of(m, n, k, transA, transB, GemmType.BF16, GemmType.F32)
                : Gemm.batched(batch, m, n, k, transA, transB, sharedB, GemmType.BF16, GemmType.F32);
        ColumnMajorGemm cm = gemm.toColumnMajor();
        float[] actual = c.clone();
        ColumnMajorReference.run(cm, b, a, actual, alpha, beta); // cuBLASLt's A is our B
        assertArrayEquals(expected, actual, 1e-5f);
    }

    @ParameterizedTest
    @CsvSource({"false, false, 7, 3", "true, false, 7, 5", "false, true, 3, 3", "true, true, 3, 5"})
    void leadingDimensionsAreTheStoredRowLengths(boolean transA, boolean transB, long ltLda, long ltLdb) {
        // row-major A (5x3), or Aᵀ stored (3x5); B (3x7), or Bᵀ stored (7x3); C (5x7).
        // cuBLASLt's A is our B, so its lda is B's stored row length, its ldb A's.
        ColumnMajorGemm cm = Gemm.of(5, 7, 3, transA, transB, GemmType.BF16, GemmType.BF16).toColumnMajor();
        assertEquals(7, cm.m());
        assertEquals(5, cm.n());
        assertEquals(3, cm.k());
        assertEquals(ltLda, cm.lda());
        assertEquals(ltLdb, cm.ldb());
        assertEquals(7, cm.ldc());
        assertEquals(transB, cm.transA());
        assertEquals(transA, cm.transB());
    }

    @ParameterizedTest
    @CsvSource({"0, 256", "256, 256", "4096, 256", "128, 128", "2, 2", "6, 2", "24, 8"})
    void alignmentIsTheLargestPowerOfTwoUpTo256(long address, int alignment) {
        assertEquals(alignment, GemmKey.alignment(address));
    }

    private static float[] random(Random rnd, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rnd.nextGaussian();
        }
        return out;
    }
}
