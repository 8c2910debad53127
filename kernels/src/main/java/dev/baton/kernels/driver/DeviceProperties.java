package dev.baton.kernels.driver;

/**
 * What Baton needs to know of a CUDA device: its identity, compute capability and the sizes
 * that kernel launches are planned from.
 */
public record DeviceProperties(
        int ordinal,
        String name,
        int major,
        int minor,
        int multiprocessors,
        long totalMemoryBytes,
        int l2CacheBytes,
        int maxSharedMemoryPerBlockOptin) {

    /** "sm_90" style name of the compute capability. */
    public String arch() {
        return "sm_" + major + minor;
    }

    /** One line for {@code baton info --devices}. */
    public String describe() {
        return String.format("cuda:%d %s, compute capability %d.%d, %d multiprocessors, %.1f GiB, L2 %d MiB",
                ordinal, name, major, minor, multiprocessors, totalMemoryBytes / (double) (1L << 30),
                l2CacheBytes >> 20);
    }
}
