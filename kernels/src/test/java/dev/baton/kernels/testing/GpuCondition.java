package dev.baton.kernels.testing;

import dev.baton.kernels.driver.CudaAvailability;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.function.Supplier;

/** Disables {@link GpuTest}s, with the reason, where {@link CudaAvailability} finds no device. */
public final class GpuCondition implements ExecutionCondition {
    private final Supplier<CudaAvailability.Status> probe;

    /** The condition JUnit instantiates: probes the real driver. */
    public GpuCondition() {
        this(CudaAvailability::probe);
    }

    GpuCondition(Supplier<CudaAvailability.Status> probe) {
        this.probe = probe;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        CudaAvailability.Status status = probe.get();
        return status.available()
                ? ConditionEvaluationResult.enabled("CUDA device: " + status.devices().get(0).name())
                : ConditionEvaluationResult.disabled("no CUDA device: " + status.reason());
    }
}
