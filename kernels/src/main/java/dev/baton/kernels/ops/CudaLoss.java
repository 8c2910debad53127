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

/** The fused softcapped cross-entropy of {@code loss.cu}: one block of 1024 threads per row. */
final class CudaLoss implements AutoCloseable {
    /** MTP weights the kernel takes as arguments (the record uses at most 3). */
    static final int MAX_PREDICT = 4;
    private static final int THREADS = 1024;

    private final CudaModule module;
    private final CudaStream stream;
    private final CudaKernel kernel;

    CudaLoss(DeviceProperties device, CudaStream stream) {
        this.module = CudaModule.load("loss", device);
        this.stream = stream;
        this.kernel = module.kernel("baton_softcap_ce");
    }

    void softcappedCrossEntropy(Tensor logits, Tensor targets, float[] weights, float a, float b, float c,
                                Tensor losses, Tensor dlogits) {
        String op = "softcappedCrossEntropy";
        CudaArgs.dtype(op, targets, DType.I32, "targets");
        CudaArgs.dtype(op, losses, DType.F32, "losses");
        CudaArgs.that(a > 0f && c != 0f, op + ": softcap needs a > 0 and c != 0, got a=" + a + " c=" + c);
        CudaArgs.that(weights.length >= 1 && weights.length <= MAX_PREDICT,
                op + ": " + weights.length + " MTP weights; the CUDA kernel takes 1 to " + MAX_PREDICT);
        long rows = logits.shape().rows();
        int vocab = logits.shape().cols();
        CudaArgs.numel(op, targets, rows, "targets");
        CudaArgs.numel(op, losses, rows, "losses");
        if (dlogits != null) {
            CudaArgs.sameNumel(op, logits, dlogits);
        }
        CudaArgs.that(rows <= Integer.MAX_VALUE, op + ": " + rows + " rows exceed one launch");
        if (rows == 0) {
            return;
        }
        float[] w = new float[MAX_PREDICT];
        System.arraycopy(weights, 0, w, 0, weights.length);
        kernel.launch(LaunchShape.linear((int) rows, THREADS), stream, KernelArgs.of().pointer(address(logits))
                .pointer(address(targets)).pointer(address(losses)).pointer(address(dlogits)).i64(rows).i32(vocab)
                .f32(a).f32(b).f32(c).f32(w[0]).f32(w[1]).f32(w[2]).f32(w[3]).i32(weights.length)
                .i32(TypeMask.of(op, logits, dlogits)));
    }

    @Override
    public void close() {
        module.close();
    }
}
