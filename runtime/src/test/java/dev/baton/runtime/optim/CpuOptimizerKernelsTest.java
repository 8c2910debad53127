package dev.baton.runtime.optim;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The CPU kernels give the same bits on one thread and on several, and transpose correctly. */
class CpuOptimizerKernelsTest {

    @Test
    void multiThreadedResultsEqualSingleThreaded() {
        Shape s = Shape.of(4, 256, 96);   // large enough to fork
        float[][] one = run(1, s);
        float[][] many = run(3, s);
        for (int i = 0; i < one.length; i++) {
            assertArrayEquals(one[i], many[i], "output " + i);
        }
    }

    @Test
    void transposesAndTransposedAdds() {
        try (CpuOps ops = new CpuOps(1); CpuOptimizerKernels k = new CpuOptimizerKernels(1)) {
            Tensor src = ops.upload(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3), DType.F32);   // [[1,2,3],[4,5,6]]
            Tensor cols = ops.allocate(Shape.of(2, 2), DType.F32);
            k.transposeColumns(cols, src, 1);
            assertArrayEquals(new float[] {2, 5, 3, 6}, ops.download(cols));
            Tensor dst = ops.upload(new float[] {10, 20, 30, 40, 50, 60}, Shape.of(3, 2), DType.F32);
            k.addTransposed(dst, src);
            assertArrayEquals(new float[] {11, 24, 32, 45, 53, 66}, ops.download(dst));
        }
    }

    private static float[][] run(int threads, Shape s) {
        Random r = new Random(77);
        int n = (int) s.numel();
        try (CpuOps ops = new CpuOps(1); CpuOptimizerKernels k = new CpuOptimizerKernels(threads)) {
            Tensor p = ops.upload(TinyParams.gaussian(r, n, 1f), s, DType.F32);
            Tensor g = ops.upload(TinyParams.gaussian(r, n, 1f), s, DType.F32);
            Tensor m = ops.upload(TinyParams.gaussian(r, n, 0.1f), s, DType.F32);
            Tensor v = ops.upload(TinyParams.gaussian(r, n, 0.1f), s, DType.F32);
            k.adam(p, g, m, ops.upload(sq(ops.download(v)), s, DType.F32), 0.9f, 0.1f, 0.99f, 0.01f, 1e-10f, 0.01f, 0.001f);
            Tensor out = ops.allocate(s, DType.F32);
            k.nesterov(m, g, out, 0.05f, 0.95f);
            k.normalizeFrobenius(out, 1.02f, 1e-6f);
            Tensor rowStats = ops.allocate(Shape.of(4, 256, 1), DType.F32);
            k.normalizeVariance(out, rowStats, 0.05f, true);
            Tensor wide = ops.upload(ops.download(out), Shape.of(4, 96, 256), DType.F32);
            Tensor colStats = ops.allocate(Shape.of(4, 1, 256), DType.F32);
            k.normalizeVariance(wide, colStats, 0.05f, false);
            k.cautiousStep(p, out, new float[] {0.01f, 0.02f, 0.03f, 0.04f}, 0.5f);
            return new float[][] {ops.download(p), ops.download(m), ops.download(out), ops.download(wide),
                    ops.download(rowStats), ops.download(colStats)};
        }
    }

    private static float[] sq(float[] a) {
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] * a[i];
        }
        return o;
    }
}
