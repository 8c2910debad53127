package dev.baton.launcher.bench;

import dev.baton.kernels.driver.CudaDevice;

/**
 * Device memory in use (cuMemGetInfo: total − free), sampled at the points the benchmark names,
 * keeping the highest. Baton allocates with cuMemAlloc directly (no caching allocator), so the
 * samples after setup and after the steps see every long-lived buffer; short-lived scratch between
 * samples is not seen. The first sample (before the model) is the context and library baseline.
 */
public final class MemoryWatermark {
    private final CudaDevice device;
    private long baseline = -1;
    private long peak;

    public MemoryWatermark(CudaDevice device) {
        this.device = device;
    }

    /** Takes a sample (the calling thread must have the device's context current). */
    public void sample() {
        long[] info = device.memoryInfo();
        long used = info[1] - info[0];
        if (baseline < 0) {
            baseline = used;
        }
        peak = Math.max(peak, used);
    }

    public long peakBytes() {
        return peak;
    }

    public long baselineBytes() {
        return Math.max(baseline, 0);
    }
}
