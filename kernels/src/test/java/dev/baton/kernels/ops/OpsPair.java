package dev.baton.kernels.ops;

import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.testing.Accuracy;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The CPU reference backend and the CUDA backend side by side, for parity tests: the same values
 * go to both (rounded to bf16 first when the GPU tensor is bf16, so that both compute on equal
 * inputs), GPU outputs are poisoned with NaN before the operation (an element the kernel forgets
 * to write fails the comparison), and results compare by relative L2 error.
 */
final class OpsPair implements AutoCloseable {
    /** One tensor on each backend. */
    record Pair(Tensor cpu, Tensor gpu) {
        Pair view(Shape shape) {
            return new Pair(cpu.view(shape), gpu.view(shape));
        }

        Pair narrow(int start, int count) {
            return new Pair(cpu.narrow(start, count), gpu.narrow(start, count));
        }
    }

    final CpuOps cpu = new CpuOps(2);
    final CudaOps gpu;
    private final List<Tensor> owned = new ArrayList<>();

    OpsPair(CudaOps gpu) {
        this.gpu = gpu;
    }

    static float[] roundedTo(DType type, float[] v) {
        if (type != DType.BF16) {
            return v.clone();
        }
        float[] r = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Bf16.round(v[i]);
        }
        return r;
    }

    static float[] gaussian(long seed, int n, float scale) {
        float[] v = Accuracy.gaussian(seed, n);
        for (int i = 0; i < n; i++) {
            v[i] *= scale;
        }
        return v;
    }

    /** An input with these values (bf16-rounded for both when {@code gpuType} is bf16). */
    Pair input(float[] values, Shape shape, DType gpuType) {
        float[] v = roundedTo(gpuType, values);
        return keep(new Pair(cpu.upload(v, shape, DType.F32), gpu.upload(v, shape, gpuType)));
    }

    Pair gaussianInput(long seed, Shape shape, DType gpuType, float scale) {
        return input(gaussian(seed, (int) shape.numel(), scale), shape, gpuType);
    }

    Pair ints(int[] values, Shape shape) {
        return keep(new Pair(cpu.uploadInts(values, shape), gpu.uploadInts(values, shape)));
    }

    /** An output: zeros on the CPU, NaN on the GPU. */
    Pair output(Shape shape, DType gpuType) {
        float[] nan = new float[(int) shape.numel()];
        Arrays.fill(nan, Float.NaN);
        return keep(new Pair(cpu.allocate(shape, DType.F32), gpu.upload(nan, shape, gpuType)));
    }

    private Pair keep(Pair p) {
        owned.add(p.cpu());
        owned.add(p.gpu());
        return p;
    }

    float[] cpuValues(Pair p) {
        return cpu.download(p.cpu());
    }

    float[] gpuValues(Pair p) {
        return gpu.download(p.gpu());
    }

    /** ‖gpu − cpu‖ / ‖cpu‖ (NaN when the GPU left any element unwritten or produced a NaN). */
    double error(Pair p) {
        return Accuracy.relativeL2(gpuValues(p), cpuValues(p));
    }

    static Random random(long seed) {
        return new Random(seed);
    }

    @Override
    public void close() {
        for (Tensor t : owned) {
            t.close();
        }
        owned.clear();
        cpu.close();
    }
}
