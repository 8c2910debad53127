package dev.baton.kernels.optim;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.testing.Accuracy;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.PolarExpress;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * optimizer.cu against CpuOptimizerKernels. The fp32 paths use explicitly rounded fp32 operations
 * as the Java code does, so fp32 results must agree to 1e-6 (relative L2) and the mantissa-tracked
 * bf16 NorMuon weights must be the bit-exact truncation of the CPU's fp32 weights; bf16 outputs
 * 1e-2; Polar Express in bf16 GEMMs 5e-2 of the fp32 result.
 */
@GpuTest
class CudaOptimizerKernelsGpuTest {
    private static CudaOps gpu;
    private static CudaOptimizerKernels kernels;
    private static CpuOps cpu;
    private static CpuOptimizerKernels reference;
    private final List<Tensor> owned = new ArrayList<>();

    @BeforeAll
    static void open() {
        gpu = CudaOps.open(0);
        kernels = new CudaOptimizerKernels(gpu);
        cpu = new CpuOps(2);
        reference = new CpuOptimizerKernels(2);
    }

    @AfterAll
    static void close() {
        kernels.close();
        gpu.close();
        reference.close();
        cpu.close();
    }

    private Tensor[] both(float[] values, Shape shape, DType gpuType) {
        float[] v = values.clone();
        if (gpuType == DType.BF16) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Bf16.round(v[i]);
            }
        }
        Tensor c = cpu.upload(v, shape, DType.F32);
        Tensor g = gpu.upload(v, shape, gpuType);
        owned.add(c);
        owned.add(g);
        return new Tensor[] {c, g};
    }

    private Tensor[] gaussian(long seed, Shape shape, DType gpuType, float scale) {
        float[] v = Accuracy.gaussian(seed, (int) shape.numel());
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return both(v, shape, gpuType);
    }

    private double error(Tensor[] t) {
        return Accuracy.relativeL2(gpu.download(t[1]), cpu.download(t[0]));
    }

    @Test
    void adamOnFp32AndBf16Parameters() {
        Shape s = Shape.of(3001, 77);
        for (DType type : new DType[] {DType.F32, DType.BF16}) {
            Tensor[] p = gaussian(1, s, type, 0.1f);
            Tensor[] g = gaussian(2, s, DType.F32, 0.01f);
            Tensor[] m = gaussian(3, s, DType.F32, 0.001f);
            Tensor[] v = both(squares(Accuracy.gaussian(4, (int) s.numel()), 1e-5f), s, DType.F32);
            for (int step = 0; step < 3; step++) {
                reference.adam(p[0], g[0], m[0], v[0], 0.9f, 0.1f, 0.99f, 0.01f, 1e-10f, 0.01f, 0.003f);
                kernels.adam(p[1], g[1], m[1], v[1], 0.9f, 0.1f, 0.99f, 0.01f, 1e-10f, 0.01f, 0.003f);
            }
            double tol = type == DType.F32 ? 1e-6 : 1e-2;
            assertTrue(error(p) < tol, type + " p " + error(p));
            assertTrue(error(m) < 1e-6, "exp_avg " + error(m));
            assertTrue(error(v) < 1e-6, "exp_avg_sq " + error(v));
        }
    }

    private static float[] squares(float[] v, float scale) {
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] * v[i] * scale;
        }
        return v;
    }

    @Test
    void nesterovFrobeniusAndVarianceNormalisation() {
        Shape s = Shape.of(3, 96, 160);
        Tensor[] mom = gaussian(11, s, DType.F32, 1f);
        Tensor[] g = gaussian(12, s, DType.F32, 1f);
        Tensor[] out32 = both(new float[(int) s.numel()], s, DType.F32);
        Tensor[] out16 = both(new float[(int) s.numel()], s, DType.BF16);
        reference.nesterov(mom[0], g[0], out32[0], 0.05f, 0.95f);
        kernels.nesterov(mom[1], g[1], out32[1], 0.05f, 0.95f);
        assertTrue(error(mom) < 1e-6, "momentum " + error(mom));
        assertTrue(error(out32) < 1e-6, "fp32 update " + error(out32));
        kernels.nesterov(mom[1], g[1], out16[1], 0.05f, 0.95f);
        reference.nesterov(mom[0], g[0], out16[0], 0.05f, 0.95f);
        assertTrue(error(out16) < 1e-2, "bf16 update " + error(out16));

        reference.normalizeFrobenius(out32[0], 1.02f, 1e-6f);
        kernels.normalizeFrobenius(out32[1], 1.02f, 1e-6f);
        assertTrue(error(out32) < 1e-6, "Frobenius fp32 " + error(out32));
        reference.normalizeFrobenius(out16[0], 1.02f, 1e-6f);
        kernels.normalizeFrobenius(out16[1], 1.02f, 1e-6f);
        assertTrue(error(out16) < 1e-2, "Frobenius bf16 " + error(out16));

        for (boolean perRow : new boolean[] {true, false}) {
            Tensor[] v = gaussian(perRow ? 13 : 14, s, DType.F32, 0.02f);
            int stats = perRow ? 96 : 160;
            Tensor[] sm = both(squares(Accuracy.gaussian(15, 3 * stats), 1e-4f), Shape.of(3, stats), DType.F32);
            for (int step = 0; step < 2; step++) {
                reference.normalizeVariance(v[0], sm[0], 0.05f, perRow);
                kernels.normalizeVariance(v[1], sm[1], 0.05f, perRow);
            }
            assertTrue(error(v) < 1e-5, (perRow ? "per row" : "per column") + " v " + error(v));
            assertTrue(error(sm) < 1e-5, (perRow ? "per row" : "per column") + " second moment " + error(sm));
        }
    }

    @Test
    void cautiousStepKeepsAnFp32MasterBehindBf16Weights() {
        Shape s = Shape.of(4, 64, 48);
        float[] lr = {0.02f, 0.04f, 0.01f, 0.08f};
        Tensor[] p = gaussian(21, s, DType.BF16, 0.05f);
        Tensor[] p32 = gaussian(21, s, DType.F32, 0.05f); // the same bf16-rounded start, fp32 on the GPU
        for (int step = 0; step < 4; step++) {
            Tensor[] v = gaussian(30 + step, s, DType.BF16, 0.03f);
            reference.cautiousStep(p[0], v[0], lr, 0.0276f);
            kernels.cautiousStep(p[1], v[1], lr, 0.0276f);
            reference.cautiousStep(p32[0], v[0], lr, 0.0276f);
            kernels.cautiousStep(p32[1], v[1], lr, 0.0276f);
        }
        float[] master = cpu.download(p[0]);
        float[] truncated = new float[master.length];
        for (int i = 0; i < master.length; i++) {
            truncated[i] = Float.intBitsToFloat(Float.floatToRawIntBits(master[i]) & 0xffff0000);
        }
        assertArrayEquals(truncated, gpu.download(p[1]), "bf16 weights = upper halves of the fp32 master");
        assertTrue(error(p32) < 1e-6, "fp32 weights " + error(p32));
        assertEquals(2L * s.numel(), kernels.mantissa(p[1]).bytes());
    }

    @Test
    void tieTransposes() {
        Tensor[] dst = gaussian(41, Shape.of(100, 70), DType.F32, 1f);
        Tensor[] src = gaussian(42, Shape.of(70, 100), DType.F32, 1f);
        reference.addTransposed(dst[0], src[0]);
        kernels.addTransposed(dst[1], src[1]);
        assertArrayEquals(cpu.download(dst[0]), gpu.download(dst[1]), "dst += srcᵀ");
        Tensor[] head = gaussian(43, Shape.of(70, 300), DType.BF16, 1f);
        Tensor[] emb = both(new float[40 * 70], Shape.of(40, 70), DType.BF16);
        reference.transposeColumns(emb[0], head[0], 33);
        kernels.transposeColumns(emb[1], head[1], 33);
        assertArrayEquals(cpu.download(emb[0]), gpu.download(emb[1]), "columns [33, 73) transposed");
    }

    @Test
    void polarExpressInBf16Gemms() {
        for (Shape s : new Shape[] {Shape.of(3, 96, 160), Shape.of(2, 192, 64)}) {
            Tensor[] x = gaussian(51, s, DType.BF16, 1f);
            PolarExpress cpuPolar = new PolarExpress(cpu, reference);
            PolarExpress gpuPolar = new PolarExpress(gpu, kernels);
            try (PolarExpress.Workspace cw = cpuPolar.workspace(s.dim(0), s.dim(1), s.dim(2));
                 PolarExpress.Workspace gw = gpuPolar.workspace(s.dim(0), s.dim(1), s.dim(2))) {
                float[] want = cpu.download(cpuPolar.apply(x[0], cw));
                float[] got = gpu.download(gpuPolar.apply(x[1], gw));
                double err = Accuracy.relativeL2(got, want);
                System.out.printf("polar express %s: bf16 GPU vs fp32 CPU relative L2 %.3e%n", s, err);
                assertTrue(err < 5e-2, s + ": " + err);
            }
        }
    }

    @org.junit.jupiter.api.AfterEach
    void release() {
        owned.forEach(Tensor::close);
        owned.clear();
    }
}
