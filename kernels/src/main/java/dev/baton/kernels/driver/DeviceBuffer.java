package dev.baton.kernels.driver;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * Device memory from cuMemAlloc, owned by this object and freed by {@link #close()}.
 *
 * <p>Copies are enqueued on a stream, so they are ordered with the kernels on that stream
 * (the synchronous cuMemcpy calls would run on the legacy stream, which a non-blocking stream
 * does not wait for). Copies to the host wait for the stream before returning.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final DevicePointer pointer;
    private final long bytes;
    private boolean open = true;

    private DeviceBuffer(DevicePointer pointer, long bytes) {
        this.pointer = pointer;
        this.bytes = bytes;
    }

    /** {@code bytes} of uninitialised device memory in the current context; 0 allocates nothing. */
    public static DeviceBuffer allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation: " + bytes);
        }
        DevicePointer p = new DevicePointer();
        if (bytes > 0) {
            DriverCall.check(JCudaDriver.cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + " bytes)");
        }
        return new DeviceBuffer(p, bytes);
    }

    public long bytes() {
        return bytes;
    }

    /** The raw device address of byte 0 (0 for an empty buffer). */
    public long address() {
        requireOpen();
        return pointer.address();
    }

    /** A JCuda pointer {@code byteOffset} bytes into the buffer, for driver calls. */
    public CUdeviceptr pointer(long byteOffset) {
        requireRange(byteOffset, 0);
        return byteOffset == 0 ? pointer : pointer.withByteOffset(byteOffset);
    }

    /** Enqueues a copy of {@code count} bytes from host memory to {@code byteOffset}. */
    public void copyFromHost(long byteOffset, Pointer host, long count, CudaStream stream) {
        requireRange(byteOffset, count);
        if (count > 0) {
            DriverCall.check(JCudaDriver.cuMemcpyHtoDAsync(pointer(byteOffset), host, count, stream.handle()),
                    "cuMemcpyHtoDAsync");
        }
    }

    /** Copies {@code count} bytes from {@code byteOffset} to host memory, after the stream's prior work. */
    public void copyToHost(Pointer host, long byteOffset, long count, CudaStream stream) {
        requireRange(byteOffset, count);
        if (count > 0) {
            DriverCall.check(JCudaDriver.cuMemcpyDtoHAsync(host, pointer(byteOffset), count, stream.handle()),
                    "cuMemcpyDtoHAsync");
        }
        stream.synchronize();
    }

    /** Enqueues a device-to-device copy from {@code src} into this buffer. */
    public void copyFrom(DeviceBuffer src, long srcOffset, long dstOffset, long count, CudaStream stream) {
        src.requireRange(srcOffset, count);
        requireRange(dstOffset, count);
        if (count > 0) {
            DriverCall.check(JCudaDriver.cuMemcpyDtoDAsync(pointer(dstOffset), src.pointer(srcOffset), count,
                    stream.handle()), "cuMemcpyDtoDAsync");
        }
    }

    /** Enqueues a fill of {@code count} bytes with zero. */
    public void zero(long byteOffset, long count, CudaStream stream) {
        requireRange(byteOffset, count);
        if (count > 0) {
            DriverCall.check(JCudaDriver.cuMemsetD8Async(pointer(byteOffset), (byte) 0, count, stream.handle()),
                    "cuMemsetD8Async");
        }
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("device buffer is closed");
        }
    }

    private void requireRange(long offset, long count) {
        requireOpen();
        if (offset < 0 || count < 0 || offset + count > bytes) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + count)
                    + ") outside a buffer of " + bytes);
        }
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            if (bytes > 0) {
                DriverCall.check(JCudaDriver.cuMemFree(pointer), "cuMemFree");
            }
        }
    }
}
