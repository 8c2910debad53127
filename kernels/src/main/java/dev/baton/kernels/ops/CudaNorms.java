package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Tensor;

import static dev.baton.kernels.ops.CudaArgs.address;

/** The weight-less RMS norm of {@code rmsnorm.cu}: rows of any width, fp32 rstd, fp32 arithmetic. */
final class CudaNorms implements AutoCloseable {
    private final CudaModule module;
    private final CudaStream stream;
    private final CudaKernel forward;
    private final CudaKernel backward;

    CudaNorms(DeviceProperties device, CudaStream stream) {
        this.module = CudaModule.load("rmsnorm", device);
        this.stream = stream;
        this.forward = module.kernel("baton_rmsnorm_fwd");
        this.backward = module.kernel("baton_rmsnorm_bwd");
    }

    void forward(Tensor x, Tensor out, Tensor rstd, float eps) {
        int cols = x.shape().cols();
        long rows = x.shape().rows();
        CudaArgs.sameNumel("rmsNormForward", x, out);
        CudaArgs.numel("rmsNormForward", rstd, rows, "rstd");
        CudaArgs.dtype("rmsNormForward", rstd, DType.F32, "rstd");
        if (rows == 0) {
            return;
        }
        int lanes = RowLanes.forRow(cols);
        forward.launch(RowLanes.shape(rows, lanes), stream, KernelArgs.of().pointer(address(x)).pointer(address(out))
                .pointer(address(rstd)).i64(rows).i32(cols).i32(lanes).f32(eps)
                .i32(TypeMask.of("rmsNormForward", x, out)));
    }

    void backward(Tensor x, Tensor rstd, Tensor dout, Tensor dx, boolean accumulate) {
        int cols = x.shape().cols();
        long rows = x.shape().rows();
        CudaArgs.sameNumel("rmsNormBackward", x, dout);
        CudaArgs.sameNumel("rmsNormBackward", x, dx);
        CudaArgs.numel("rmsNormBackward", rstd, rows, "rstd");
        CudaArgs.dtype("rmsNormBackward", rstd, DType.F32, "rstd");
        if (rows == 0) {
            return;
        }
        int lanes = RowLanes.forRow(cols);
        backward.launch(RowLanes.shape(rows, lanes), stream, KernelArgs.of().pointer(address(x))
                .pointer(address(rstd)).pointer(address(dout)).pointer(address(dx)).i64(rows).i32(cols).i32(lanes)
                .i32(accumulate ? 1 : 0).i32(TypeMask.of("rmsNormBackward", x, dout, dx)));
    }

    @Override
    public void close() {
        module.close();
    }
}
