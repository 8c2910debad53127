package dev.baton.launcher.info;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;

/** What this JVM and machine offer: Java version, cores, memory, SIMD width. */
public final class MachineFacts {
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    private MachineFacts() {
    }

    /** e.g. "17.0.15 (Debian, OpenJDK 64-Bit Server VM)". */
    public static String java() {
        return System.getProperty("java.runtime.version", System.getProperty("java.version"))
                + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.vm.name") + ")";
    }

    /** Processors the JVM may use. */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** e.g. "5.8 GiB max heap, 23.4 GiB physical". */
    public static String memory() {
        String heap = gib(Runtime.getRuntime().maxMemory()) + " max heap";
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            return heap + ", " + gib(hotspot.getTotalMemorySize()) + " physical";
        }
        return heap;
    }

    /** The CPU device line, e.g. "cpu: 2 cores, amd64 Linux, Vector API 256-bit (8 floats)". */
    public static String cpuLine() {
        return "cpu: " + cores() + " cores, " + System.getProperty("os.arch") + " " + System.getProperty("os.name")
                + ", " + VectorWidth.describe();
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
    }
}
