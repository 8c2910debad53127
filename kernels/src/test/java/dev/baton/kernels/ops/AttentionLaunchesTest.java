package dev.baton.kernels.ops;

import dev.baton.kernels.driver.LaunchShape;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host-side planning of the attention kernels: shape checks, kernel choice, grids, shared memory. */
class AttentionLaunchesTest {
    /** Only a shape and a dtype: what the checks read. */
    private record Stub(Shape shape, DType dtype) implements Tensor {
        @Override
        public Tensor view(Shape s) {
            return new Stub(s, dtype);
        }

        @Override
        public Tensor narrow(int start, int count) {
            return new Stub(shape.withLeading(count), dtype);
        }

        @Override
        public boolean owner() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    private static Stub bf(int... dims) {
        return new Stub(Shape.of(dims), DType.BF16);
    }

    private static AttentionShape forward(int seq, int groups, int dim, int seqScale, int window) {
        return AttentionShape.forward(bf(seq, groups, dim), bf(seq, groups, dim), bf(seq, groups, dim),
                new Stub(Shape.of(5), DType.I32), seqScale, window, bf(seq, groups, dim),
                new Stub(Shape.of(seq, groups), DType.F32));
    }

    @Test
    void theRecordShapeGetsTheTiledKernelsAndItsGrids() {
        AttentionShape s = forward(49_152, 6, 128, 1, 896);
        assertEquals(new AttentionShape(49_152, 6, 128, 5, 1, 896), s);
        int fw = AttentionLaunches.forwardWarps(s, AttentionTiling.DEFAULT, true);
        assertEquals("baton_attn_fwd_d128_w4_m2", AttentionLaunches.forwardKernel(s, fw, 2));
        // 4 warps of 2 x 16 query rows: 384 x 6 blocks of 128 threads; a Q tile of 128 rows and
        // two stages of (K, V) tiles of 64 rows, 256 bytes a row
        assertEquals(new LaunchShape(384, 6, 1, 128, 1, 1, (128 + 256) * 256), AttentionLaunches.forward(s, fw, 2));
        assertEquals(new LaunchShape(768, 6, 1, 128, 1, 1, (64 + 256) * 256), AttentionLaunches.forward(s, 4, 1));
        assertEquals((128 + 256) * 128, AttentionLaunches.forwardSharedBytes(64, 8, 1));
        assertEquals("baton_attn_bwd_d128_w8", AttentionLaunches.backwardKernel(s, 8));
        // 128 keys per block: K, V (2 x 32 KiB), Q and dO double-buffered (64 KiB), dS^T 16 KiB, lse/delta 1 KiB
        LaunchShape b8 = AttentionLaunches.backward(s, 8);
        assertEquals(new LaunchShape(384, 6, 1, 256, 1, 1, 65_536 + 65_536 + 16_384 + 1_024), b8);
        assertTrue(b8.sharedBytes() <= 227 * 1024, "fits an H100 block");
    }

    @Test
    void pairedHeadsDoubleTheSequenceAndTheWindowIsCappedAtIt() {
        AttentionShape s = forward(2 * 1000, 3, 128, 2, Integer.MAX_VALUE);
        assertEquals(2000, s.window());
        assertEquals(6000, s.rows());
        assertThrows(IllegalArgumentException.class, () -> forward(2001, 3, 128, 2, 10), "odd S at seqScale 2");
    }

    @Test
    void smallHeadsAndUnalignedRowsTakeThePlainKernels() {
        AttentionShape d16 = forward(1000, 2, 16, 1, 64);
        assertEquals(0, AttentionLaunches.forwardWarps(d16, AttentionTiling.DEFAULT, true));
        assertEquals("baton_attn_simple_fwd_d16", AttentionLaunches.forwardKernel(d16, 0, 1));
        assertEquals("baton_attn_simple_bwd_q_d16", AttentionLaunches.simpleQueryKernel(d16));
        assertEquals(LaunchShape.linear(16, 128), AttentionLaunches.forward(d16, 0, 1), "2000 rows, 128 per block");
        AttentionShape d128 = forward(1000, 2, 128, 1, 64);
        assertEquals(0, AttentionLaunches.backwardWarps(d128, AttentionTiling.DEFAULT, false));
        assertEquals(0, AttentionLaunches.backwardWarps(d128, AttentionTiling.SIMPLE, true));
        assertEquals(8, AttentionLaunches.backwardWarps(d128, new AttentionTiling(4, 8, 1), true));
    }

    @Test
    void theHelperPassesCoverEveryRow() {
        AttentionShape s = forward(1001, 3, 128, 1, 64);
        // 16 lanes per row of 128: 2 rows a warp, 16 rows a block of 256 threads; 3003 rows
        assertEquals(LaunchShape.linear(188, 256), AttentionLaunches.backwardPre(s));
        AttentionShape d16 = forward(1001, 3, 16, 1, 64);
        assertEquals(LaunchShape.linear(24, 256), AttentionLaunches.backwardPre(d16), "16 rows a warp");
        // 384,384 elements / 8 per thread / 256 = 188 blocks, under the 8-wave cap of 132 SMs
        assertEquals(LaunchShape.linear(188, 256), AttentionLaunches.dqConvert(s, 132));
        assertEquals(LaunchShape.linear(16, 256), AttentionLaunches.dqConvert(s, 2), "capped at 8 blocks per SM");
        assertEquals(1001L * 3 * 128 * 4, AttentionLaunches.dqWorkspaceBytes(s));
    }

    @Test
    void contractViolationsNameTheTensor() {
        Stub q = bf(100, 2, 128);
        Stub cu = new Stub(Shape.of(3), DType.I32);
        Stub lse = new Stub(Shape.of(100, 2), DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionShape.forward(q, q, q,
                cu, 1, 10, bf(100, 2, 128), new Stub(Shape.of(100, 2), DType.BF16)));
        assertTrue(e.getMessage().contains("lse must be F32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionShape.forward(q, bf(100, 2, 64), q, cu, 1, 10,
                q, lse));
        assertTrue(e.getMessage().contains("shapes differ"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionShape.forward(bf(100, 2, 96), bf(100, 2, 96),
                bf(100, 2, 96), cu, 1, 10, bf(100, 2, 96), lse));
        assertTrue(e.getMessage().contains("head size 96"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionShape.forward(q, q, q,
                new Stub(Shape.of(1), DType.I32), 1, 10, q, lse));
        assertTrue(e.getMessage().contains("cuSeqlens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AttentionShape.backward(q, q, q, q, lse, q, cu, 1, 10,
                q, q, bf(100, 2, 127), lse));
        assertTrue(e.getMessage().contains("dv must be BF16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AttentionTiling(6, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new AttentionTiling(8, 4, 2), "no 8-warp 2-tile build");
    }
}
