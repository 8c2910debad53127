package dev.baton.kernels.ops;

import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.LaunchShape;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host side of the CUDA operations, which CI checks without a GPU: launch geometry for the
 * record's shapes, the dtype masks the kernels read, and the argument checks that stand in for
 * the exceptions a kernel cannot raise (made on CPU tensors: they look only at shapes and types).
 */
class LaunchGeometryTest {
    private static final DeviceProperties H100 = new DeviceProperties(0, "NVIDIA H100 80GB HBM3", 9, 0, 132,
            80L << 30, 50 << 20, 232448);
    private static CpuOps cpu;

    @BeforeAll
    static void open() {
        cpu = new CpuOps(1);
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void rowLanesGiveAboutOneChunkOfEightPerLane() {
        assertEquals(32, RowLanes.forRow(768));
        assertEquals(16, RowLanes.forRow(128));
        assertEquals(8, RowLanes.forRow(64));
        assertEquals(2, RowLanes.forRow(16));
        assertEquals(4, RowLanes.forRow(20));
        assertEquals(1, RowLanes.forRow(1));
        assertEquals(1, RowLanes.forRow(0));
        assertEquals(32, RowLanes.forRow(50304));
        // q/k norm of a record micro-batch: 49152 tokens x 6 heads of 128, 16 lanes each
        LaunchShape s = RowLanes.shape(49152L * 6, RowLanes.forRow(128));
        assertEquals(18432, s.gridX());
        assertEquals(RowLanes.THREADS, s.blockX());
        assertEquals(1, RowLanes.shape(0, 32).gridX());
    }

    @Test
    void flatLaunchesCoverEightElementsPerThreadUpToEightWaves() {
        assertEquals(1, CudaPointwise.flat(1, H100).gridX());
        assertEquals(49, CudaPointwise.flat(100_000, H100).gridX());
        assertEquals(132 * 8, CudaPointwise.flat(49152L * 768, H100).gridX());
    }

    @Test
    void reductionsUseAFixedGridForLargeInputs() {
        assertEquals(1, CudaReduce.blocks(0));
        assertEquals(1, CudaReduce.blocks(2048));
        assertEquals(2, CudaReduce.blocks(2049));
        assertEquals(CudaReduce.BLOCKS, CudaReduce.blocks(49152L * 768));
    }

    @Test
    void attentionLaunchesOneWarpPerRow() {
        LaunchShape s = RowwiseAttention.launchShape(2 * 49152, 3);
        assertEquals(2 * 49152 / RowwiseAttention.ROWS_PER_BLOCK, s.gridX());
        assertEquals(3, s.gridY());
        assertEquals(32 * RowwiseAttention.ROWS_PER_BLOCK, s.blockX());
    }

    @Test
    void typeMasksMarkBf16SlotsAndRejectOtherTypes() {
        try (Tensor b = cpu.allocate(Shape.of(4), DType.BF16); Tensor f = cpu.allocate(Shape.of(4), DType.F32);
             Tensor i = cpu.allocate(Shape.of(4), DType.I32)) {
            assertEquals(0b1001, TypeMask.of("op", b, null, f, b));
            assertEquals(0, TypeMask.of("op", f, f));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TypeMask.of("axpby", f, i));
            assertTrue(e.getMessage().startsWith("axpby:"), e.getMessage());
        }
    }

    @Test
    void attentionArgumentsAreCheckedOnTheHost() {
        try (Tensor q = cpu.allocate(Shape.of(10, 3, 128), DType.BF16);
             Tensor odd = cpu.allocate(Shape.of(10, 3, 130), DType.BF16);
             Tensor flat = cpu.allocate(Shape.of(10, 384), DType.BF16);
             Tensor cu = cpu.uploadInts(new int[] {0, 10}, Shape.of(2));
             Tensor cuF = cpu.allocate(Shape.of(2), DType.F32)) {
            int[] g = RowwiseAttention.geometry("attentionForward", q, q, q, cu, 1, 128);
            assertEquals(10, g[0]);
            assertEquals(3, g[1]);
            assertEquals(128, g[2]);
            assertThrows(IllegalArgumentException.class,
                    () -> RowwiseAttention.geometry("attentionForward", odd, odd, odd, cu, 1, 128));
            assertThrows(IllegalArgumentException.class,
                    () -> RowwiseAttention.geometry("attentionForward", flat, flat, flat, cu, 1, 128));
            assertThrows(IllegalArgumentException.class,
                    () -> RowwiseAttention.geometry("attentionForward", q, q, q, cuF, 1, 128));
            assertThrows(IllegalArgumentException.class,
                    () -> RowwiseAttention.geometry("attentionForward", q, q, q, cu, 0, 128));
        }
    }
}
