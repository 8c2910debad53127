package dev.baton.kernels.nccl;

import dev.baton.kernels.driver.CudaEvent;
import dev.baton.kernels.shim.NativeCallException;
import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.kernels.testing.Accuracy;
import dev.baton.kernels.testing.GpuSession;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A one-device NCCL communicator round trip: with one rank every collective is an exact copy
 * (a sum or average over one rank is the value itself), so results are compared bit for bit.
 */
@GpuTest
class NcclGpuTest {
    private static GpuSession gpu;
    private static Nccl nccl;
    private static NcclComm comm;

    @BeforeAll
    static void open() {
        gpu = GpuSession.open();
        nccl = Nccl.open();
        comm = nccl.initAll(0).get(0);
        System.out.println("[gpu] NCCL " + nccl.versionString() + " from " + nccl.libraryPath());
    }

    @AfterAll
    static void close() {
        comm.close();
        nccl.close();
        gpu.close();
    }

    private static float[] poison(int n) {
        float[] p = new float[n];
        Arrays.fill(p, Float.NaN);
        return p;
    }

    @Test
    void versionAndCommunicatorShape() {
        assertTrue(nccl.version() >= 21000, "NCCL " + nccl.version() + " lacks AVG");
        assertTrue(nccl.versionString().matches("\\d+\\.\\d+\\.\\d+"), nccl.versionString());
        assertEquals(1, comm.count());
        assertEquals(0, comm.rank());
        assertEquals(0, comm.device());
        assertEquals(0, comm.asyncError());
    }

    @Test
    void reduceScatterThenAllGatherRoundTripsFp32AndBf16() {
        for (DType type : List.of(DType.F32, DType.BF16)) {
            int n = 12_345;
            float[] host = Accuracy.gaussian(41, n);
            float[] expected = type == DType.BF16 ? Bf16.toFloats(Bf16.fromFloats(host)) : host;
            try (CudaTensor send = CudaTensor.allocate(Shape.of(n), type);
                 CudaTensor shard = CudaTensor.allocate(Shape.of(n), type);
                 CudaTensor gathered = CudaTensor.allocate(Shape.of(n), type);
                 CudaEvent done = CudaEvent.create()) {
                send.copyFrom(host, gpu.stream());
                shard.copyFrom(poison(n), gpu.stream());
                gathered.copyFrom(poison(n), gpu.stream());
                comm.reduceScatter(send, shard, NcclRedOp.SUM, gpu.stream());
                comm.allGather(shard, gathered, gpu.stream());
                done.record(gpu.stream());
                comm.await(done, Duration.ofSeconds(30));
                assertArrayEquals(expected, shard.toFloats(gpu.stream()), type + " reduce-scatter");
                assertArrayEquals(expected, gathered.toFloats(gpu.stream()), type + " all-gather");
            }
        }
    }

    @Test
    void allReduceAverageInPlaceAndBroadcastInAGroup() {
        int n = 4096;
        float[] host = Accuracy.gaussian(42, n);
        try (CudaTensor a = CudaTensor.allocate(Shape.of(n), DType.F32);
             CudaTensor b = CudaTensor.allocate(Shape.of(n), DType.F32)) {
            a.copyFrom(host, gpu.stream());
            b.copyFrom(poison(n), gpu.stream());
            nccl.groupStart();
            comm.allReduce(a, a, NcclRedOp.AVG, gpu.stream());
            nccl.groupEnd();
            comm.broadcast(a, b, 0, gpu.stream());
            assertArrayEquals(host, a.toFloats(gpu.stream()));
            assertArrayEquals(host, b.toFloats(gpu.stream()));
        }
    }

    @Test
    void initRankWithAUniqueIdMakesAOneRankCommunicator() {
        NcclUniqueId id = nccl.uniqueId();
        assertEquals(NcclUniqueId.BYTES, id.bytes().length);
        try (NcclComm single = nccl.initRank(1, id, 0);
             CudaTensor x = CudaTensor.allocate(Shape.of(256), DType.F32);
             CudaTensor y = CudaTensor.allocate(Shape.of(256), DType.F32)) {
            assertEquals(1, single.count());
            float[] host = Accuracy.gaussian(43, 256);
            x.copyFrom(host, gpu.stream());
            single.allReduce(x, y, NcclRedOp.SUM, gpu.stream());
            assertArrayEquals(host, y.toFloats(gpu.stream()));
        }
    }

    @Test
    void ncclErrorsNameTheCallAndTheResult() {
        try (NcclComm single = nccl.initRank(1, nccl.uniqueId(), 0);
             CudaTensor x = CudaTensor.allocate(Shape.of(16), DType.F32)) {
            // root 3 does not exist in a one-rank communicator: NCCL's argument check refuses it
            NativeCallException e = assertThrows(NativeCallException.class, () -> single.broadcast(
                    x.address(), x.address(), 16, NcclDataType.FLOAT32, 3, gpu.stream().address()));
            assertEquals("NCCL", e.library());
            assertEquals("ncclBroadcast", e.call());
            assertEquals(4, e.code());
            assertTrue(e.getMessage().startsWith("NCCL ncclBroadcast failed: ncclInvalidArgument (4): "),
                    e.getMessage());
            System.out.println("[gpu] NCCL error message: " + e.getMessage());
        }
    }

    @Test
    void anAbortedCommunicatorRefusesWork() {
        NcclComm doomed = nccl.initRank(1, nccl.uniqueId(), 0);
        doomed.abort();
        assertThrows(IllegalStateException.class, doomed::asyncError);
        doomed.close(); // nothing left to destroy
    }
}
