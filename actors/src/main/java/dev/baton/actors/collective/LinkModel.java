package dev.baton.actors.collective;

import java.time.Duration;

/**
 * A simulated interconnect for CPU devices: a collective launch takes {@code latency} plus its
 * ring bytes over {@code bytesPerSecond}, so that communication costs wall time on a CPU run
 * and overlapping it with compute pays off as it does on GPUs. {@link #NONE} costs nothing.
 */
public record LinkModel(long latencyNanos, double bytesPerSecond) {
    public static final LinkModel NONE = new LinkModel(0, 0);

    public LinkModel {
        if (latencyNanos < 0 || bytesPerSecond < 0) {
            throw new IllegalArgumentException("link latency and bandwidth must not be negative");
        }
    }

    /** A link of this latency and bandwidth (bytes per second; 0 means infinitely fast). */
    public static LinkModel of(Duration latency, double bytesPerSecond) {
        return new LinkModel(latency.toNanos(), bytesPerSecond);
    }

    public boolean simulated() {
        return latencyNanos > 0 || bytesPerSecond > 0;
    }

    /** Wall time of one launch moving {@code wireBytes} per rank; 0 on a world of one. */
    public long durationNanos(long wireBytes, int world) {
        if (world <= 1 || !simulated()) {
            return 0;
        }
        double transfer = bytesPerSecond > 0 ? wireBytes * 1e9 / bytesPerSecond : 0;
        return latencyNanos + Math.round(transfer);
    }
}
