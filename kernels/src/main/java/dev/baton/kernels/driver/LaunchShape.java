package dev.baton.kernels.driver;

/** Grid and block dimensions and dynamic shared memory of one kernel launch. */
public record LaunchShape(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {
    public LaunchShape {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || sharedBytes < 0) {
            throw new IllegalArgumentException("bad launch shape " + gridX + "x" + gridY + "x" + gridZ
                    + " blocks of " + blockX + "x" + blockY + "x" + blockZ + ", " + sharedBytes + " B shared");
        }
        if ((long) blockX * blockY * blockZ > 1024) {
            throw new IllegalArgumentException("a block holds at most 1024 threads");
        }
    }

    /** A one-dimensional launch. */
    public static LaunchShape linear(int blocks, int threadsPerBlock) {
        return new LaunchShape(blocks, 1, 1, threadsPerBlock, 1, 1, 0);
    }

    /**
     * A one-dimensional grid-stride launch over {@code n} elements: enough blocks to cover them,
     * capped at {@code blocksPerSm} waves of the device's multiprocessors (the kernel loops).
     */
    public static LaunchShape gridStride(long n, int threadsPerBlock, DeviceProperties device, int blocksPerSm) {
        long needed = Math.max(1, (n + threadsPerBlock - 1) / threadsPerBlock);
        long cap = (long) device.multiprocessors() * blocksPerSm;
        return linear((int) Math.min(needed, Math.max(1, cap)), threadsPerBlock);
    }
}
