package dev.baton.kernels.testing;

import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.kernels.driver.DeviceProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuConditionTest {
    @Test
    void noDeviceDisablesWithTheProbeReason() {
        GpuCondition condition = new GpuCondition(
                () -> new CudaAvailability.Status(false, 0, List.of(), "cuInit failed with CUDA_ERROR_NO_DEVICE"));
        ConditionEvaluationResult r = condition.evaluateExecutionCondition(null);
        assertTrue(r.isDisabled());
        assertEquals("no CUDA device: cuInit failed with CUDA_ERROR_NO_DEVICE", r.getReason().orElseThrow());
    }

    @Test
    void aDeviceEnablesAndNamesIt() {
        DeviceProperties h100 = new DeviceProperties(0, "NVIDIA H100 80GB HBM3", 9, 0, 132, 85L << 30, 50 << 20, 232448);
        GpuCondition condition = new GpuCondition(() -> new CudaAvailability.Status(true, 13000, List.of(h100), ""));
        ConditionEvaluationResult r = condition.evaluateExecutionCondition(null);
        assertFalse(r.isDisabled());
        assertEquals("CUDA device: NVIDIA H100 80GB HBM3", r.getReason().orElseThrow());
    }
}
