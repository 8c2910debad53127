package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Tensor;

import static dev.baton.kernels.ops.CudaArgs.address;

/**
 * Embedding gather and atomic scatter-add backward of {@code embedding.cu}. The ids are on the
 * device, so an id outside the vocabulary cannot raise an exception here: the gather fills that
 * row with NaN (the loss shows it) and the backward skips it.
 */
final class CudaEmbedding implements AutoCloseable {
    private final CudaModule module;
    private final CudaStream stream;
    private final CudaKernel forward;
    private final CudaKernel backward;

    CudaEmbedding(DeviceProperties device, CudaStream stream) {
        this.module = CudaModule.load("embedding", device);
        this.stream = stream;
        this.forward = module.kernel("baton_embedding_fwd");
        this.backward = module.kernel("baton_embedding_bwd");
    }

    void forward(Tensor table, Tensor ids, Tensor out) {
        CudaArgs.dtype("embeddingForward", ids, DType.I32, "ids");
        int cols = table.shape().cols();
        long n = ids.numel();
        CudaArgs.numel("embeddingForward", out, n * cols, "out");
        if (n == 0) {
            return;
        }
        int lanes = RowLanes.forRow(cols);
        forward.launch(RowLanes.shape(n, lanes), stream, KernelArgs.of().pointer(address(table)).pointer(address(ids))
                .pointer(address(out)).i64(n).i32(cols).i32(table.shape().dim(0)).i32(lanes)
                .i32(TypeMask.of("embeddingForward", table, out)));
    }

    void backward(Tensor dout, Tensor ids, Tensor dtable) {
        CudaArgs.dtype("embeddingBackward", ids, DType.I32, "ids");
        int cols = dtable.shape().cols();
        long n = ids.numel();
        CudaArgs.numel("embeddingBackward", dout, n * cols, "dout");
        if (n == 0) {
            return;
        }
        int lanes = RowLanes.forRow(cols);
        backward.launch(RowLanes.shape(n, lanes), stream, KernelArgs.of().pointer(address(dout)).pointer(address(ids))
                .pointer(address(dtable)).i64(n).i32(cols).i32(dtable.shape().dim(0)).i32(lanes)
                .i32(TypeMask.of("embeddingBackward", dout, dtable)));
    }

    @Override
    public void close() {
        module.close();
    }
}
