package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceBuffer;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.kernels.driver.LaunchShape;
import dev.baton.runtime.tensor.Tensor;

import static dev.baton.kernels.ops.CudaArgs.address;

/**
 * The dot-into-one-element reduction of {@code reduce.cu} (scalar-parameter gradients, summed
 * losses): deterministic, fp64 accumulation, one launch. Owns the per-block partials and the
 * arrival counter the kernel's last block resets; calls on one stream never overlap, so one set
 * serves them all.
 */
final class CudaReduce implements AutoCloseable {
    /** Fixed grid: the same blocks, hence the same summation order, for every call of a given size. */
    static final int BLOCKS = 1056;
    private static final int THREADS = 256;

    private final CudaModule module;
    private final CudaStream stream;
    private final CudaKernel dot;
    private final DeviceBuffer partials;
    private final DeviceBuffer counter;

    CudaReduce(DeviceProperties device, CudaStream stream) {
        this.module = CudaModule.load("reduce", device);
        this.stream = stream;
        this.dot = module.kernel("baton_dot");
        this.partials = DeviceBuffer.allocate(8L * BLOCKS);
        this.counter = DeviceBuffer.allocate(4);
        counter.zero(0, 4, stream);
    }

    /** Blocks for n elements: enough for 8 elements per thread, at most {@link #BLOCKS}. */
    static int blocks(long n) {
        long perBlock = 8L * THREADS;
        return (int) Math.max(1, Math.min(BLOCKS, (n + perBlock - 1) / perBlock));
    }

    void dot(Tensor a, Tensor b, Tensor dst, int index, float scale, boolean accumulate) {
        if (b != null) {
            CudaArgs.sameNumel("dot", a, b);
        }
        if (index < 0 || index >= dst.numel()) {
            throw new IndexOutOfBoundsException("dot: index " + index + " outside " + dst.shape());
        }
        long n = a.numel();
        dot.launch(LaunchShape.linear(blocks(n), THREADS), stream, KernelArgs.of().pointer(address(a))
                .pointer(address(b)).pointer(address(dst)).i64(index).f32(scale).i32(accumulate ? 1 : 0).i64(n)
                .i32(TypeMask.of("dot", a, b, dst)).pointer(partials.address()).pointer(counter.address()));
    }

    @Override
    public void close() {
        module.close();
        partials.close();
        counter.close();
    }
}
