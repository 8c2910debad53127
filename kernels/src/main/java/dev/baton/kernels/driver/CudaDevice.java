package dev.baton.kernels.driver;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * One CUDA device and its primary context, retained while this object is open.
 *
 * <p>The driver binds a context to a thread: the thread that opens the device has it current;
 * any other thread that works with the device (a {@code DeviceWorker}'s pinned thread) calls
 * {@link #makeCurrent()} first. The primary context is the one the CUDA runtime, cuBLASLt and
 * NCCL use too, so buffers and streams made here are valid for them.
 */
public final class CudaDevice implements AutoCloseable {
    private final CUdevice device;
    private final CUcontext context;
    private final DeviceProperties properties;
    private boolean open = true;

    private CudaDevice(CUdevice device, CUcontext context, DeviceProperties properties) {
        this.device = device;
        this.context = context;
        this.properties = properties;
    }

    /** Initialises the driver, retains device {@code ordinal}'s primary context and makes it current. */
    public static CudaDevice open(int ordinal) {
        if (DriverLibrary.LOAD_FAILURE != null) {
            throw new IllegalStateException("cuda:" + ordinal + " unavailable: " + DriverLibrary.LOAD_FAILURE);
        }
        DriverCall.check(JCudaDriver.cuInit(0), "cuInit");
        CUdevice device = new CUdevice();
        DriverCall.check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        CUcontext context = new CUcontext();
        DriverCall.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        CudaDevice d = new CudaDevice(device, context, DeviceQuery.properties(device, ordinal));
        d.makeCurrent();
        return d;
    }

    public DeviceProperties properties() {
        return properties;
    }

    public int ordinal() {
        return properties.ordinal();
    }

    /** Binds this device's context to the calling thread. */
    public void makeCurrent() {
        requireOpen();
        DriverCall.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Waits until every stream of the context has finished its work. */
    public void synchronize() {
        requireOpen();
        DriverCall.check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    /** {free, total} device memory in bytes. */
    public long[] memoryInfo() {
        requireOpen();
        long[] free = {0};
        long[] total = {0};
        DriverCall.check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new long[] {free[0], total[0]};
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("cuda:" + ordinal() + " is closed");
        }
    }

    /** Releases the primary context; buffers, streams and modules must be closed first. */
    @Override
    public void close() {
        if (open) {
            open = false;
            DriverCall.check(JCudaDriver.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease");
        }
    }

    @Override
    public String toString() {
        return properties.describe();
    }
}
