package dev.baton.kernels.driver;

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

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@GpuTest
class DriverGpuTest {
    private static GpuSession gpu;

    @BeforeAll
    static void open() {
        gpu = GpuSession.open();
    }

    @AfterAll
    static void close() {
        gpu.close();
    }

    @Test
    void theDeviceMatchesWhatTheProbeReports() {
        DeviceProperties p = gpu.device().properties();
        CudaAvailability.Status s = CudaAvailability.probe();
        assertEquals(p, s.devices().get(0));
        assertTrue(p.multiprocessors() > 0 && p.totalMemoryBytes() > (1L << 30), p.describe());
        long[] memory = gpu.device().memoryInfo();
        assertTrue(memory[0] > 0 && memory[0] <= memory[1] && memory[1] <= p.totalMemoryBytes()
                && memory[1] > p.totalMemoryBytes() * 9 / 10, Arrays.toString(memory));
        System.out.println("[gpu] " + String.join(" | ", s.describe()));
    }

    @Test
    void floatsAndBf16RoundTripThroughDeviceMemory() {
        float[] host = Accuracy.gaussian(11, 1000);
        try (CudaTensor f = CudaTensor.allocate(Shape.of(10, 100), DType.F32);
             CudaTensor b = CudaTensor.allocate(Shape.of(10, 100), DType.BF16)) {
            f.copyFrom(host, gpu.stream());
            b.copyFrom(host, gpu.stream());
            assertArrayEquals(host, f.toFloats(gpu.stream()));
            float[] rounded = new float[host.length];
            for (int i = 0; i < host.length; i++) {
                rounded[i] = Bf16.round(host[i]);
            }
            assertArrayEquals(rounded, b.toFloats(gpu.stream()));
            assertEquals(2000, b.bytes());
        }
    }

    @Test
    void aNarrowViewWritesOnlyItsRows() {
        try (CudaTensor t = CudaTensor.allocate(Shape.of(6, 4), DType.F32)) {
            t.copyFrom(new float[24], gpu.stream());
            CudaTensor rows = t.narrow(2, 3);
            assertEquals(t.address() + 2 * 4 * 4, rows.address());
            rows.copyFrom(Accuracy.gaussian(3, 12), gpu.stream());
            float[] all = t.toFloats(gpu.stream());
            assertArrayEquals(Accuracy.gaussian(3, 12), Arrays.copyOfRange(all, 8, 20));
            assertArrayEquals(new float[8], Arrays.copyOfRange(all, 0, 8));
            assertArrayEquals(new float[4], Arrays.copyOfRange(all, 20, 24));
            rows.close(); // a view frees nothing
            assertEquals(24, t.toFloats(gpu.stream()).length);
        }
    }

    @Test
    void aDeviceToDeviceCopyAndZeroAreOrderedOnTheStream() {
        float[] host = Accuracy.gaussian(5, 4096);
        try (CudaTensor a = CudaTensor.allocate(Shape.of(4096), DType.F32);
             CudaTensor b = CudaTensor.allocate(Shape.of(4096), DType.F32)) {
            a.copyFrom(host, gpu.stream());
            b.copyFrom(a, gpu.stream());
            a.zero(gpu.stream());
            assertArrayEquals(host, b.toFloats(gpu.stream()));
            assertArrayEquals(new float[4096], a.toFloats(gpu.stream()));
        }
    }

    @Test
    void timingEventsMeasureWorkAndOrderStreams() {
        try (CudaEvent start = CudaEvent.createTiming(); CudaEvent end = CudaEvent.createTiming();
             CudaStream other = CudaStream.create();
             CudaTensor big = CudaTensor.allocate(Shape.of(64 << 20), DType.F32)) {
            start.record(gpu.stream());
            big.zero(gpu.stream());
            end.record(gpu.stream());
            other.waitFor(end);
            other.synchronize(); // returns only after the zero fill on the first stream
            assertTrue(end.isComplete());
            float ms = CudaEvent.elapsedMillis(start, end);
            assertTrue(ms > 0 && ms < 1000, "zeroing 256 MiB took " + ms + " ms");
        }
    }

    @Test
    void driverErrorsNameTheCallAndTheCudaError() {
        NativeCallException e = assertThrows(NativeCallException.class, () -> DeviceBuffer.allocate(1L << 50));
        assertEquals("CUDA driver", e.library());
        assertTrue(e.getMessage().startsWith("CUDA driver cuMemAlloc(1125899906842624 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)"),
                e.getMessage());
    }

    @Test
    void aClosedBufferRefusesUse() {
        DeviceBuffer b = DeviceBuffer.allocate(256);
        b.close();
        b.close(); // idempotent
        assertThrows(IllegalStateException.class, b::address);
    }
}
