package dev.baton.kernels.optim;

import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceBuffer;

/**
 * A device scratch buffer that grows on demand. Kernels on the owner's stream may still read the
 * old buffer when a larger one is needed, so growing waits for the stream before freeing it.
 */
final class DeviceScratch implements AutoCloseable {
    private final CudaStream stream;
    private DeviceBuffer buffer = DeviceBuffer.allocate(0);

    DeviceScratch(CudaStream stream) {
        this.stream = stream;
    }

    /** The address of at least {@code bytes} bytes, valid until the next call. */
    long ensure(long bytes) {
        if (buffer.bytes() < bytes) {
            stream.synchronize();
            buffer.close();
            buffer = DeviceBuffer.allocate(Math.max(bytes, 2 * buffer.bytes()));
        }
        return buffer.address();
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    @Override
    public void close() {
        buffer.close();
    }
}
