package dev.baton.kernels.testing;

import dev.baton.kernels.driver.CudaDevice;
import dev.baton.kernels.driver.CudaStream;

/** Device 0 and one stream for a GPU test class: open in @BeforeAll, close in @AfterAll. */
public final class GpuSession implements AutoCloseable {
    private final CudaDevice device;
    private final CudaStream stream;

    private GpuSession(CudaDevice device, CudaStream stream) {
        this.device = device;
        this.stream = stream;
    }

    public static GpuSession open() {
        CudaDevice device = CudaDevice.open(0);
        return new GpuSession(device, CudaStream.create());
    }

    public CudaDevice device() {
        return device;
    }

    public CudaStream stream() {
        return stream;
    }

    @Override
    public void close() {
        device.makeCurrent();
        stream.close();
        device.close();
    }
}
