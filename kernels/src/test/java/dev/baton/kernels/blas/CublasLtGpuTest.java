package dev.baton.kernels.blas;

import dev.baton.kernels.ops.CudaMatmul;
import dev.baton.kernels.shim.NativeCallException;
import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.kernels.testing.Accuracy;
import dev.baton.kernels.testing.GpuSession;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cuBLASLt GEMMs against {@code CpuOps.matmul} on the same bf16-exact inputs. Tolerances on
 * ‖gpu − cpu‖/‖cpu‖: fp32 outputs 1e-5 (both accumulate in fp32; only the summation order
 * differs), bf16 outputs 5e-3 (one bf16 rounding of each output, at most 2^-9 relative).
 */
@GpuTest
class CublasLtGpuTest {
    static final double F32_OUT_TOLERANCE = 1e-5;
    static final double BF16_OUT_TOLERANCE = 5e-3;

    private static GpuSession gpu;
    private static CublasLt blas;
    private static CudaMatmul matmul;
    private static CpuOps cpu;

    @BeforeAll
    static void open() {
        gpu = GpuSession.open();
        blas = CublasLt.create();
        matmul = new CudaMatmul(blas, CublasLt.RECOMMENDED_WORKSPACE_BYTES);
        cpu = new CpuOps();
        System.out.println("[gpu] cuBLASLt " + blas.version() + " from " + blas.libraryPath());
    }

    @AfterAll
    static void close() {
        cpu.close();
        matmul.close();
        blas.close();
        gpu.close();
    }

    /** Random values that bf16 holds exactly, so that CPU and GPU multiply the same numbers. */
    private static float[] bf16Exact(long seed, long n) {
        float[] x = Accuracy.gaussian(seed, (int) n);
        for (int i = 0; i < x.length; i++) {
            x[i] = Bf16.round(x[i]);
        }
        return x;
    }

    /** Runs one product on both backends and returns the relative error of the GPU's. */
    private static double compare(Shape aShape, boolean transA, Shape bShape, boolean transB, Shape cShape,
                                  DType out, float alpha, float beta, long seed) {
        float[] a = bf16Exact(seed, aShape.numel());
        float[] b = bf16Exact(seed + 1, bShape.numel());
        float[] c = bf16Exact(seed + 2, cShape.numel());
        float[] expected;
        try (Tensor ta = cpu.upload(a, aShape, DType.F32); Tensor tb = cpu.upload(b, bShape, DType.F32);
             Tensor tc = cpu.upload(c, cShape, DType.F32)) {
            cpu.matmul(ta, transA, tb, transB, tc, alpha, beta);
            expected = cpu.download(tc);
        }
        try (CudaTensor ga = CudaTensor.allocate(aShape, DType.BF16);
             CudaTensor gb = CudaTensor.allocate(bShape, DType.BF16);
             CudaTensor gc = CudaTensor.allocate(cShape, out)) {
            ga.copyFrom(a, gpu.stream());
            gb.copyFrom(b, gpu.stream());
            gc.copyFrom(c, gpu.stream());
            matmul.run(ga, transA, gb, transB, gc, alpha, beta, gpu.stream());
            return Accuracy.relativeL2(gc.toFloats(gpu.stream()), expected);
        }
    }

    private static Shape stored(boolean trans, int rows, int cols) {
        return trans ? Shape.of(cols, rows) : Shape.of(rows, cols);
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4} out={5}")
    @CsvSource({
        "96, 80, 128, false, false, F32", "96, 80, 128, true, false, F32",
        "96, 80, 128, false, true, F32", "96, 80, 128, true, true, F32",
        "96, 80, 128, false, false, BF16", "96, 80, 128, true, false, BF16",
        "96, 80, 128, false, true, BF16", "96, 80, 128, true, true, BF16",
        "768, 3072, 768, false, true, BF16", "1024, 768, 4096, true, false, F32",
    })
    void plainGemmsMatchTheCpu(int m, int n, int k, boolean transA, boolean transB, DType out) {
        double err = compare(stored(transA, m, k), transA, stored(transB, k, n), transB, Shape.of(m, n), out,
                1f, 0f, 100L * m + n);
        assertTrue(err < (out == DType.F32 ? F32_OUT_TOLERANCE : BF16_OUT_TOLERANCE), "relative error " + err);
    }

    @Test
    void alphaAndBetaScaleAndAccumulateInFp32() {
        double err = compare(Shape.of(64, 96), false, Shape.of(96, 32), false, Shape.of(64, 32), DType.F32,
                0.5f, -2f, 7);
        assertTrue(err < F32_OUT_TOLERANCE, "relative error " + err);
    }

    @Test
    void gradientAccumulationAddsIntoAnFp32Output() {
        // beta = 1 on an fp32 C: C += Aᵀ·B, the weight-gradient pattern
        double err = compare(Shape.of(256, 64), true, Shape.of(256, 128), false, Shape.of(64, 128), DType.F32,
                1f, 1f, 8);
        assertTrue(err < F32_OUT_TOLERANCE, "relative error " + err);
    }

    @ParameterizedTest(name = "batch {0} transA={1} transB={2} sharedB={3}")
    @CsvSource({"3, false, false, false", "4, true, false, false", "4, false, true, false", "5, false, true, true"})
    void stridedBatchedGemmsMatchTheCpu(int batch, boolean transA, boolean transB, boolean sharedB) {
        int m = 64;
        int n = 48;
        int k = 80;
        Shape a = transA ? Shape.of(batch, k, m) : Shape.of(batch, m, k);
        Shape b = sharedB ? stored(transB, k, n) : (transB ? Shape.of(batch, n, k) : Shape.of(batch, k, n));
        double err = compare(a, transA, b, transB, Shape.of(batch, m, n), DType.BF16, 1f, 0f, 31L * batch);
        assertTrue(err < BF16_OUT_TOLERANCE, "relative error " + err);
    }

    @Test
    void oddSizesAndUnalignedViewsStillWork() {
        double err = compare(Shape.of(33, 40), false, Shape.of(40, 17), false, Shape.of(33, 17), DType.F32,
                1f, 0f, 9);
        assertTrue(err < F32_OUT_TOLERANCE, "relative error " + err);
        // a view starting one 48-element bf16 row in: 96-byte alignment class 32
        float[] a = bf16Exact(10, 9 * 48);
        float[] b = bf16Exact(11, 48 * 24);
        float[] expected;
        try (Tensor ta = cpu.upload(java.util.Arrays.copyOfRange(a, 48, 9 * 48), Shape.of(8, 48), DType.F32);
             Tensor tb = cpu.upload(b, Shape.of(48, 24), DType.F32);
             Tensor tc = cpu.allocate(Shape.of(8, 24), DType.F32)) {
            cpu.matmul(ta, false, tb, false, tc, 1f, 0f);
            expected = cpu.download(tc);
        }
        try (CudaTensor ga = CudaTensor.allocate(Shape.of(9, 48), DType.BF16);
             CudaTensor gb = CudaTensor.allocate(Shape.of(48, 24), DType.BF16);
             CudaTensor gc = CudaTensor.allocate(Shape.of(8, 24), DType.F32)) {
            ga.copyFrom(a, gpu.stream());
            gb.copyFrom(b, gpu.stream());
            matmul.run(ga.narrow(1, 8), false, gb, false, gc, 1f, 0f, gpu.stream());
            double viewErr = Accuracy.relativeL2(gc.toFloats(gpu.stream()), expected);
            assertTrue(viewErr < F32_OUT_TOLERANCE, "relative error " + viewErr);
        }
    }

    @Test
    void plansAreCachedPerShapeKey() {
        try (CublasLt fresh = CublasLt.create();
             CudaTensor a = CudaTensor.allocate(Shape.of(64, 64), DType.BF16);
             CudaTensor c = CudaTensor.allocate(Shape.of(64, 64), DType.BF16);
             CudaMatmul mm = new CudaMatmul(fresh, 1 << 20)) {
            a.zero(gpu.stream());
            mm.run(a, false, a, false, c, 1f, 0f, gpu.stream());
            mm.run(a, false, a, false, c, 1f, 0f, gpu.stream());
            assertEquals(1, fresh.cachedPlans());
            mm.run(a, true, a, false, c, 1f, 0f, gpu.stream());
            assertEquals(2, fresh.cachedPlans());
            gpu.stream().synchronize();
        }
    }

    @Test
    void cublasErrorsNameTheCallAndTheStatus() {
        // fp32 A with bf16 B is no combination cuBLASLt implements
        NativeCallException e = assertThrows(NativeCallException.class, () -> CublasLtNative.planCreate(
                blas.context(), false, false, 64, 64, 64, GemmType.F32.cudaDataType(), GemmType.BF16.cudaDataType(),
                GemmType.F32.cudaDataType(), 64, 64, 64, 1, 0, 0, 0, 256, 256, 256, 0));
        assertEquals("cuBLASLt", e.library());
        assertTrue(e.getMessage().startsWith("cuBLASLt cublasLt"), e.getMessage());
        assertTrue(e.getMessage().contains("CUBLAS_STATUS_"), e.getMessage());
        System.out.println("[gpu] cuBLASLt error message: " + e.getMessage());
    }
}
