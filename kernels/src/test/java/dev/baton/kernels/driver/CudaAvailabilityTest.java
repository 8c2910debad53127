package dev.baton.kernels.driver;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaAvailabilityTest {
    @Test
    void theProbeNeverThrowsAndExplainsItsAnswer() {
        CudaAvailability.Status s = CudaAvailability.probe();
        if (s.available()) {
            assertFalse(s.devices().isEmpty());
            assertTrue(s.driverVersion() > 0);
        } else {
            assertTrue(s.devices().isEmpty());
            assertTrue(s.reason().contains("libcuda") || s.reason().contains("cuInit")
                    || s.reason().contains("no device"), s.reason());
            assertEquals(List.of("CUDA: unavailable: " + s.reason()), s.describe());
        }
    }

    @Test
    void aReportListsTheDriverAndEachDevice() {
        DeviceProperties h100 = new DeviceProperties(0, "NVIDIA H100 80GB HBM3", 9, 0, 132, 85_520_809_984L,
                50 << 20, 232448);
        CudaAvailability.Status s = new CudaAvailability.Status(true, 13000, List.of(h100), "");
        assertEquals(List.of("CUDA driver 13.0, 1 device(s)",
                "  cuda:0 NVIDIA H100 80GB HBM3, compute capability 9.0, 132 multiprocessors, 79.6 GiB, L2 50 MiB"),
                s.describe());
    }
}
