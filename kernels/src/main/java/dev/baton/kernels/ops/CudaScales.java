package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.kernels.driver.LaunchShape;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Tensor;

import static dev.baton.kernels.ops.CudaArgs.address;

/**
 * The golf model's learned per-channel and per-head scales ({@code ScaleOps}) on the device, from
 * {@code scales.cu}: the scaled add, and its backward that writes {@code dsrc} and accumulates the
 * scale gradient in the same pass over the rows.
 */
final class CudaScales implements AutoCloseable {
    private static final int THREADS = 256;
    /** Stripes of rows per multiprocessor in the backward (each block adds P atomics at its end). */
    private static final int STRIPES_PER_SM = 2;
    /** Rows below which a stripe is not worth its own block. */
    private static final int MIN_STRIPE_ROWS = 64;
    /** Scale totals a block keeps in shared memory (48 KiB, the default limit). */
    static final int MAX_SCALES = 12 * 1024;

    private final CudaModule module;
    private final DeviceProperties device;
    private final CudaStream stream;
    private final CudaKernel forward;
    private final CudaKernel backward;

    CudaScales(DeviceProperties device, CudaStream stream) {
        this.module = CudaModule.load("scales", device);
        this.device = device;
        this.stream = stream;
        this.forward = module.kernel("baton_scaled_add");
        this.backward = module.kernel("baton_scaled_add_bwd");
    }

    /** Channels per scale, after checking that {@code scale} groups the rows' last dimension. */
    private static int group(String op, Tensor rows, Tensor scale) {
        int cols = rows.shape().cols();
        long p = scale.numel();
        CudaArgs.that(p > 0 && p <= MAX_SCALES && cols % p == 0,
                op + ": " + p + " scales do not group the " + cols + " channels of " + rows.shape());
        return (int) (cols / p);
    }

    void scaledAdd(Tensor out, Tensor base, Tensor src, Tensor scale) {
        String op = "scaledAdd";
        CudaArgs.sameNumel(op, out, src);
        if (base != null) {
            CudaArgs.sameNumel(op, out, base);
        }
        int group = group(op, out, scale);
        long n = out.numel();
        if (n == 0) {
            return;
        }
        forward.launch(CudaPointwise.flat(n, device), stream, KernelArgs.of().pointer(address(out))
                .pointer(address(base)).pointer(address(src)).pointer(address(scale)).i64(n).i32(out.shape().cols())
                .i32(group).i32(TypeMask.of(op, out, base, src, scale)));
    }

    void scaledAddBackward(Tensor dout, Tensor src, Tensor scale, Tensor dsrc, boolean accumulate, Tensor dscale) {
        String op = "scaledAddBackward";
        CudaArgs.sameNumel(op, dout, src);
        group(op, dout, scale);
        if (dsrc != null) {
            CudaArgs.sameNumel(op, dout, dsrc);
            CudaArgs.that(address(dsrc) != address(src), op + ": dsrc must not be src");
        }
        if (dscale != null) {
            CudaArgs.numel(op, dscale, scale.numel(), "dscale");
            CudaArgs.dtype(op, dscale, DType.F32, "dscale");
        }
        int cols = dout.shape().cols();
        long rows = dout.numel() / cols;
        if (rows == 0 || (dsrc == null && dscale == null)) {
            return;
        }
        long stripes = Math.min((rows + MIN_STRIPE_ROWS - 1) / MIN_STRIPE_ROWS,
                (long) device.multiprocessors() * STRIPES_PER_SM);
        int shared = dscale == null ? 0 : 4 * (int) scale.numel();
        backward.launch(new LaunchShape((int) Math.max(1, stripes), 1, 1, THREADS, 1, 1, shared), stream,
                KernelArgs.of().pointer(address(dout)).pointer(address(src)).pointer(address(scale))
                        .pointer(address(dsrc)).pointer(address(dscale)).i64(rows).i32(cols).i32((int) scale.numel())
                        .i32(accumulate ? 1 : 0).i32(TypeMask.of(op, dout, src, scale, dsrc)));
    }

    @Override
    public void close() {
        module.close();
    }
}
