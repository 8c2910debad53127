package dev.baton.kernels.ops;

import dev.baton.kernels.ops.OpsPair.Pair;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.ops.AttentionOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention of CudaOps (bf16: CudaAttention's tiled kernels) and RowwiseAttention (CudaOps'
 * fp32 reference path, run here on bf16 data) against CpuOps: several
 * documents, windows shorter and longer than a document, the paired layout (doubled sequence),
 * head dims 128 and 16. Tolerances: bf16 out, dq, dk, dv 1e-2; fp32 lse 1e-5 (row-wise, fp32
 * arithmetic) or 1e-4 (tiled, approximate exp2: 4e-4 absolute at lse ≈ 4); delta 1e-2 (each
 * backend sums dout·out over its own saved out, bf16 on the GPU).
 */
@GpuTest
class AttentionGpuTest {
    private static CudaOps gpu;
    private static RowwiseAttention rowwise;
    private OpsPair ops;

    @BeforeAll
    static void open() {
        gpu = CudaOps.open(0);
        rowwise = new RowwiseAttention(gpu.device().properties(), gpu.stream());
    }

    @AfterAll
    static void close() {
        rowwise.close();
        gpu.close();
    }

    @BeforeEach
    void pair() {
        ops = new OpsPair(gpu);
    }

    @AfterEach
    void release() {
        ops.close();
    }

    @ParameterizedTest
    @CsvSource({"true, 128, 6, 1, 64", "true, 128, 6, 2, 128", "true, 128, 6, 1, 1000", "true, 16, 4, 1, 16",
        "true, 16, 4, 2, 32", "false, 128, 6, 1, 64", "false, 128, 6, 2, 128", "false, 16, 4, 2, 32"})
    void forwardAndBackwardMatchTheCpu(boolean viaCudaOps, int dim, int heads, int seqScale, int window) {
        AttentionOps attention = viaCudaOps ? ops.gpu : rowwise;
        int tokens = 301;
        int[] cu = {0, 7, 150, 151, 290, tokens, tokens};
        int groups = heads / seqScale;
        int seq = tokens * seqScale;
        Shape s = Shape.of(seq, groups, dim);
        float scale = 0.12f;
        Pair q = ops.gaussianInput(81, s, DType.BF16, 1f);
        Pair k = ops.gaussianInput(82, s, DType.BF16, 1f);
        Pair v = ops.gaussianInput(83, s, DType.BF16, 1f);
        Pair c = ops.ints(cu, Shape.of(cu.length));
        Pair out = ops.output(s, DType.BF16);
        Pair lse = ops.output(Shape.of(seq, groups), DType.F32);
        ops.cpu.attentionForward(q.cpu(), k.cpu(), v.cpu(), c.cpu(), seqScale, window, scale, out.cpu(), lse.cpu());
        attention.attentionForward(q.gpu(), k.gpu(), v.gpu(), c.gpu(), seqScale, window, scale, out.gpu(), lse.gpu());
        assertTrue(ops.error(out) < 1e-2, "out " + ops.error(out));
        double lseTol = viaCudaOps ? 1e-4 : 1e-5; // the tiled kernels use the hardware's approximate exp2
        assertTrue(ops.error(lse) < lseTol, "lse " + ops.error(lse));

        // the backward reads out as saved by each backend's own forward (bf16 on the GPU)
        Pair dout = ops.gaussianInput(84, s, DType.BF16, 1f);
        Pair dq = ops.output(s, DType.BF16);
        Pair dk = ops.output(s, DType.BF16);
        Pair dv = ops.output(s, DType.BF16);
        Pair delta = ops.output(Shape.of(seq, groups), DType.F32);
        ops.cpu.attentionBackward(q.cpu(), k.cpu(), v.cpu(), out.cpu(), lse.cpu(), dout.cpu(), c.cpu(), seqScale,
                window, scale, dq.cpu(), dk.cpu(), dv.cpu(), delta.cpu());
        attention.attentionBackward(q.gpu(), k.gpu(), v.gpu(), out.gpu(), lse.gpu(), dout.gpu(), c.gpu(), seqScale,
                window, scale, dq.gpu(), dk.gpu(), dv.gpu(), delta.gpu());
        assertTrue(ops.error(dq) < 1e-2, "dq " + ops.error(dq));
        assertTrue(ops.error(dk) < 1e-2, "dk " + ops.error(dk));
        assertTrue(ops.error(dv) < 1e-2, "dv " + ops.error(dv));
        assertTrue(ops.error(delta) < 1e-2, "delta " + ops.error(delta));
    }
}
