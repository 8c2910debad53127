package dev.baton.kernels.driver;

import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * An owned CUDA stream: work on it runs in order. Non-blocking, so it never waits for the
 * legacy default stream; order between streams is made explicit with {@link CudaEvent}s.
 */
public final class CudaStream implements AutoCloseable {
    private final StreamHandle handle;
    private boolean open = true;

    private CudaStream(StreamHandle handle) {
        this.handle = handle;
    }

    /** A new stream in the calling thread's current context. */
    public static CudaStream create() {
        StreamHandle h = new StreamHandle();
        DriverCall.check(JCudaDriver.cuStreamCreate(h, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        return new CudaStream(h);
    }

    /** The JCuda handle, for driver calls. */
    public CUstream handle() {
        requireOpen();
        return handle;
    }

    /** The raw CUstream address, for cuBLASLt and NCCL through the shim. */
    public long address() {
        requireOpen();
        return handle.address();
    }

    /** Blocks the calling thread until all work on the stream has finished. */
    public void synchronize() {
        DriverCall.check(JCudaDriver.cuStreamSynchronize(handle()), "cuStreamSynchronize");
    }

    /** True when all work on the stream has finished. */
    public boolean isIdle() {
        int r = JCudaDriver.cuStreamQuery(handle());
        if (r == CUresult.CUDA_ERROR_NOT_READY) {
            return false;
        }
        DriverCall.check(r, "cuStreamQuery");
        return true;
    }

    /** Makes later work on this stream wait until {@code event} has fired; the host does not wait. */
    public void waitFor(CudaEvent event) {
        DriverCall.check(JCudaDriver.cuStreamWaitEvent(handle(), event.handle(), 0), "cuStreamWaitEvent");
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("stream is closed");
        }
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            DriverCall.check(JCudaDriver.cuStreamDestroy(handle), "cuStreamDestroy");
        }
    }
}
