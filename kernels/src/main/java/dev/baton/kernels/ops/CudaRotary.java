package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.runtime.tensor.Tensor;

import static dev.baton.kernels.ops.CudaArgs.address;

/**
 * Rotary embedding (normal and paired tables), the golf baseline's half-split rotation and the
 * partial key offset of {@code rotary.cu}.
 */
final class CudaRotary implements AutoCloseable {
    private final CudaModule module;
    private final DeviceProperties device;
    private final CudaStream stream;
    private final CudaKernel rotary;
    private final CudaKernel keyOffset;
    private final CudaKernel rotaryHalf;

    CudaRotary(DeviceProperties device, CudaStream stream) {
        this.module = CudaModule.load("rotary", device);
        this.device = device;
        this.stream = stream;
        this.rotary = module.kernel("baton_rotary");
        this.keyOffset = module.kernel("baton_key_offset");
        this.rotaryHalf = module.kernel("baton_rotary_half");
    }

    void rotate(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean transpose) {
        String op = transpose ? "rotaryBackward" : "rotaryForward";
        CudaArgs.sameNumel(op, x, out);
        int width = cos.shape().cols();
        int rows = x.shape().rank() == 0 ? 1 : x.shape().dim(0);
        CudaArgs.that(width % 2 == 0, op + ": table width " + width + " is odd");
        CudaArgs.that(cos.shape().rank() == 2 && cos.shape().dim(0) >= rows && cos.shape().equals(sin.shape()),
                op + ": tables " + cos.shape() + "/" + sin.shape() + " do not cover " + rows + " positions");
        long perRow = x.numel() / Math.max(rows, 1);
        CudaArgs.that(perRow % width == 0 && perRow <= Integer.MAX_VALUE,
                op + ": rows of " + x.shape() + " are not groups of " + width);
        long n = x.numel();
        if (n == 0) {
            return;
        }
        rotary.launch(CudaPointwise.flat(n, device), stream, KernelArgs.of().pointer(address(x))
                .pointer(address(cos)).pointer(address(sin)).pointer(address(out)).i64(rows).i32((int) perRow)
                .i32(width).i32(transpose ? 1 : 0).i32(TypeMask.of(op, x, cos, sin, out)));
    }

    /** The golf baseline's half-split rotation (channel j with j + W), or its transpose. */
    void rotateHalf(Tensor x, Tensor cos, Tensor sin, Tensor out, boolean transpose) {
        String op = transpose ? "rotaryHalfBackward" : "rotaryHalfForward";
        CudaArgs.sameNumel(op, x, out);
        int width = cos.shape().cols();
        int rows = x.shape().rank() == 0 ? 1 : x.shape().dim(0);
        CudaArgs.that(cos.shape().rank() == 2 && cos.shape().dim(0) >= rows && cos.shape().equals(sin.shape()),
                op + ": tables " + cos.shape() + "/" + sin.shape() + " do not cover " + rows + " positions");
        long perRow = x.numel() / Math.max(rows, 1);
        CudaArgs.that(width > 0 && perRow % (2L * width) == 0 && perRow <= Integer.MAX_VALUE,
                op + ": rows of " + x.shape() + " are not groups of 2 x " + width);
        long n = x.numel();
        if (n == 0) {
            return;
        }
        rotaryHalf.launch(CudaPointwise.flat(n / 2, device), stream, KernelArgs.of().pointer(address(x))
                .pointer(address(cos)).pointer(address(sin)).pointer(address(out)).i64(rows).i32((int) perRow)
                .i32(width).i32(transpose ? 1 : 0).i32(TypeMask.of(op, x, cos, sin, out)));
    }

    void keyOffset(Tensor src, Tensor dst, boolean backward) {
        String op = backward ? "keyOffsetBackward" : "keyOffsetForward";
        CudaArgs.that(src.shape().rank() == 3, op + ": expects (S, H, D), got " + src.shape());
        CudaArgs.that(src.shape().equals(dst.shape()), op + ": shapes differ " + src.shape() + " vs " + dst.shape());
        CudaTensor s = CudaTensor.of(src);
        CudaTensor d = CudaTensor.of(dst);
        CudaArgs.that(s.address() + s.bytes() <= d.address() || d.address() + d.bytes() <= s.address(),
                op + ": source and destination overlap");
        long n = src.numel();
        if (n == 0) {
            return;
        }
        keyOffset.launch(CudaPointwise.flat(n, device), stream, KernelArgs.of().pointer(s.address())
                .pointer(d.address()).i64(src.shape().dim(0)).i32(src.shape().dim(1)).i32(src.shape().dim(2))
                .i32(backward ? 1 : 0).i32(TypeMask.of(op, src, dst)));
    }

    @Override
    public void close() {
        module.close();
    }
}
