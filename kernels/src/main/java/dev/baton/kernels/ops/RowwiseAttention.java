package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.kernels.driver.LaunchShape;
import dev.baton.runtime.ops.AttentionOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Tensor;

import static dev.baton.kernels.ops.CudaArgs.address;

/**
 * Exact document-masked sliding-window attention of {@code attention_rowwise.cu}: one warp per
 * query (or key) row, key (query) tiles in shared memory, online softmax, fp32 on CUDA cores, for
 * fp32 or bf16 tensors. The correctness baseline that ran the model end to end before the tiled
 * tensor-core kernels ({@link CudaAttention}) came; CudaOps keeps it for its fp32 reference mode,
 * which the tiled bf16 kernels do not serve.
 *
 * <p>The document boundaries are read on the device; unlike the CPU backend this class cannot
 * validate their contents (start 0, non-decreasing, end at the token count) without a host copy,
 * and leaves that to the caller (the model builds them from the loader's batch).
 */
public final class RowwiseAttention implements AttentionOps, AutoCloseable {
    static final int ROWS_PER_BLOCK = 8;
    static final int MAX_HEAD_DIM = 128;
    private static final int THREADS = 32 * ROWS_PER_BLOCK;

    private final CudaModule module;
    private final CudaStream stream;
    private final CudaKernel forward;
    private final CudaKernel backwardQ;
    private final CudaKernel backwardKv;

    public RowwiseAttention(DeviceProperties device, CudaStream stream) {
        this.module = CudaModule.load("attention_rowwise", device);
        this.stream = stream;
        this.forward = module.kernel("baton_rattn_fwd");
        this.backwardQ = module.kernel("baton_rattn_bwd_q");
        this.backwardKv = module.kernel("baton_rattn_bwd_kv");
    }

    /** Checks the (S, G, D) operands and returns {S, G, D}. */
    static int[] geometry(String op, Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale, int window) {
        CudaArgs.that(q.shape().rank() == 3, op + ": q must be (S, G, D), is " + q.shape());
        CudaArgs.that(q.shape().equals(k.shape()) && q.shape().equals(v.shape()),
                op + ": q, k, v shapes differ " + q.shape() + " " + k.shape() + " " + v.shape());
        CudaArgs.dtype(op, cuSeqlens, DType.I32, "cuSeqlens");
        CudaArgs.that(cuSeqlens.numel() >= 2, op + ": cuSeqlens must hold at least 2 entries");
        CudaArgs.that(seqScale >= 1 && window >= 0, op + ": seqScale " + seqScale + " window " + window);
        int dim = q.shape().dim(2);
        CudaArgs.that(dim % 4 == 0 && dim >= 4 && dim <= MAX_HEAD_DIM,
                op + ": head dimension " + dim + " must be a multiple of 4 up to " + MAX_HEAD_DIM);
        return new int[] {q.shape().dim(0), q.shape().dim(1), dim};
    }

    static LaunchShape launchShape(int seq, int groups) {
        return new LaunchShape((seq + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK, groups, 1, THREADS, 1, 1, 0);
    }

    @Override
    public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale, int window, float scale,
                                 Tensor out, Tensor lse) {
        String op = "attentionForward";
        int[] g = geometry(op, q, k, v, cuSeqlens, seqScale, window);
        CudaArgs.sameNumel(op, q, out);
        CudaArgs.numel(op, lse, (long) g[0] * g[1], "lse");
        CudaArgs.dtype(op, lse, DType.F32, "lse");
        if (g[0] == 0) {
            return;
        }
        forward.launch(launchShape(g[0], g[1]), stream, KernelArgs.of().pointer(address(q)).pointer(address(k))
                .pointer(address(v)).pointer(address(cuSeqlens)).i32((int) cuSeqlens.numel()).i32(seqScale)
                .i32(g[0]).i32(g[1]).i32(g[2]).i32(window).f32(scale).pointer(address(out)).pointer(address(lse))
                .i32(TypeMask.of(op, q, k, v, out)));
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Tensor dout,
                                  Tensor cuSeqlens, int seqScale, int window, float scale,
                                  Tensor dq, Tensor dk, Tensor dv, Tensor delta) {
        String op = "attentionBackward";
        int[] g = geometry(op, q, k, v, cuSeqlens, seqScale, window);
        for (Tensor t : new Tensor[] {out, dout, dq, dk, dv}) {
            CudaArgs.sameNumel(op, q, t);
        }
        long rows = (long) g[0] * g[1];
        CudaArgs.numel(op, lse, rows, "lse");
        CudaArgs.numel(op, delta, rows, "delta");
        CudaArgs.dtype(op, lse, DType.F32, "lse");
        CudaArgs.dtype(op, delta, DType.F32, "delta");
        if (g[0] == 0) {
            return;
        }
        LaunchShape shape = launchShape(g[0], g[1]);
        backwardQ.launch(shape, stream, KernelArgs.of().pointer(address(q)).pointer(address(k)).pointer(address(v))
                .pointer(address(out)).pointer(address(dout)).pointer(address(lse)).pointer(address(cuSeqlens))
                .i32((int) cuSeqlens.numel()).i32(seqScale).i32(g[0]).i32(g[1]).i32(g[2]).i32(window).f32(scale)
                .pointer(address(dq)).pointer(address(delta)).i32(TypeMask.of(op, q, k, v, out, dout, dq)));
        backwardKv.launch(shape, stream, KernelArgs.of().pointer(address(q)).pointer(address(k)).pointer(address(v))
                .pointer(address(dout)).pointer(address(lse)).pointer(address(delta)).pointer(address(cuSeqlens))
                .i32((int) cuSeqlens.numel()).i32(seqScale).i32(g[0]).i32(g[1]).i32(g[2]).i32(window).f32(scale)
                .pointer(address(dk)).pointer(address(dv)).i32(TypeMask.of(op, q, k, v, dout, dk, dv)));
    }

    @Override
    public void close() {
        module.close();
    }
}
