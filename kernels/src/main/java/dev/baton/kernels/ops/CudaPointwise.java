package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.kernels.driver.LaunchShape;
import dev.baton.runtime.tensor.Tensor;

import static dev.baton.kernels.ops.CudaArgs.address;

/**
 * The kernels of {@code pointwise.cu}: axpby, relu² forward and backward, the softcap and the
 * converting copy, over fp32 or bf16 tensors in any mix. One pass each, 16-byte accesses when
 * aligned; outputs may alias inputs.
 */
final class CudaPointwise implements AutoCloseable {
    private static final int THREADS = 256;
    private static final int BLOCKS_PER_SM = 8;

    private final CudaModule module;
    private final DeviceProperties device;
    private final CudaStream stream;
    private final CudaKernel axpby;
    private final CudaKernel relu2Fwd;
    private final CudaKernel relu2Bwd;
    private final CudaKernel softcap;
    private final CudaKernel convert;

    CudaPointwise(DeviceProperties device, CudaStream stream) {
        this.module = CudaModule.load("pointwise", device);
        this.device = device;
        this.stream = stream;
        this.axpby = module.kernel("baton_axpby");
        this.relu2Fwd = module.kernel("baton_relu2_fwd");
        this.relu2Bwd = module.kernel("baton_relu2_bwd");
        this.softcap = module.kernel("baton_softcap");
        this.convert = module.kernel("baton_convert");
    }

    /** A grid-stride launch for {@code n} elements taken 8 at a time. */
    static LaunchShape flat(long n, DeviceProperties device) {
        return LaunchShape.gridStride(Math.max(1, (n + 7) / 8), THREADS, device, BLOCKS_PER_SM);
    }

    void axpby(Tensor out, float a, Tensor x, float b, Tensor y) {
        CudaArgs.sameNumel("axpby", out, x);
        if (y != null) {
            CudaArgs.sameNumel("axpby", out, y);
        }
        long n = out.numel();
        if (n == 0) {
            return;
        }
        axpby.launch(flat(n, device), stream, KernelArgs.of().pointer(address(out)).pointer(address(x))
                .pointer(address(y)).f32(a).f32(b).i64(n).i32(TypeMask.of("axpby", out, x, y)));
    }

    void relu2Forward(Tensor h, Tensor out) {
        CudaArgs.sameNumel("relu2Forward", h, out);
        long n = h.numel();
        if (n == 0) {
            return;
        }
        relu2Fwd.launch(flat(n, device), stream, KernelArgs.of().pointer(address(h)).pointer(address(out)).i64(n)
                .i32(TypeMask.of("relu2Forward", h, out)));
    }

    void relu2Backward(Tensor h, Tensor dout, Tensor dh) {
        CudaArgs.sameNumel("relu2Backward", h, dout);
        CudaArgs.sameNumel("relu2Backward", h, dh);
        long n = h.numel();
        if (n == 0) {
            return;
        }
        relu2Bwd.launch(flat(n, device), stream, KernelArgs.of().pointer(address(h)).pointer(address(dout))
                .pointer(address(dh)).i64(n).i32(TypeMask.of("relu2Backward", h, dout, dh)));
    }

    void softcap(Tensor x, Tensor out, float a, float b, float c) {
        CudaArgs.sameNumel("softcap", x, out);
        long n = x.numel();
        if (n == 0) {
            return;
        }
        softcap.launch(flat(n, device), stream, KernelArgs.of().pointer(address(x)).pointer(address(out)).f32(a)
                .f32(b).f32(c).i64(n).i32(TypeMask.of("softcap", x, out)));
    }

    /** dst = src converted between fp32 and bf16 (round to nearest even). */
    void convert(Tensor dst, Tensor src) {
        CudaArgs.sameNumel("copy", dst, src);
        long n = dst.numel();
        if (n == 0) {
            return;
        }
        convert.launch(flat(n, device), stream, KernelArgs.of().pointer(address(dst)).pointer(address(src)).i64(n)
                .i32(TypeMask.of("copy", dst, src)));
    }

    @Override
    public void close() {
        module.close();
    }
}
