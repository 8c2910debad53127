package dev.baton.kernels.driver;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * An owned CUDA event: a marker recorded on a stream that fires when the work before it is
 * done. Streams wait on events ({@link CudaStream#waitFor}); timing events measure device time.
 */
public final class CudaEvent implements AutoCloseable {
    private final CUevent handle;
    private final boolean timing;
    private boolean open = true;

    private CudaEvent(CUevent handle, boolean timing) {
        this.handle = handle;
        this.timing = timing;
    }

    /** An event that only orders work (cheaper: no timestamp). */
    public static CudaEvent create() {
        return create(false);
    }

    /** An event that can also be timed with {@link #elapsedMillis}. */
    public static CudaEvent createTiming() {
        return create(true);
    }

    private static CudaEvent create(boolean timing) {
        CUevent e = new CUevent();
        DriverCall.check(JCudaDriver.cuEventCreate(e, timing ? CUevent_flags.CU_EVENT_DEFAULT
                : CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
        return new CudaEvent(e, timing);
    }

    CUevent handle() {
        if (!open) {
            throw new IllegalStateException("event is closed");
        }
        return handle;
    }

    /** Marks the current end of {@code stream}'s work. */
    public void record(CudaStream stream) {
        DriverCall.check(JCudaDriver.cuEventRecord(handle(), stream.handle()), "cuEventRecord");
    }

    /** True once the work before the last record has finished. */
    public boolean isComplete() {
        int r = JCudaDriver.cuEventQuery(handle());
        if (r == CUresult.CUDA_ERROR_NOT_READY) {
            return false;
        }
        DriverCall.check(r, "cuEventQuery");
        return true;
    }

    /** Blocks until the event has fired. */
    public void synchronize() {
        DriverCall.check(JCudaDriver.cuEventSynchronize(handle()), "cuEventSynchronize");
    }

    /** Device time between two fired timing events, in milliseconds. */
    public static float elapsedMillis(CudaEvent start, CudaEvent end) {
        if (!start.timing || !end.timing) {
            throw new IllegalArgumentException("elapsed time needs two timing events (CudaEvent.createTiming)");
        }
        float[] ms = {0f};
        DriverCall.check(JCudaDriver.cuEventElapsedTime(ms, start.handle(), end.handle()), "cuEventElapsedTime");
        return ms[0];
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            DriverCall.check(JCudaDriver.cuEventDestroy(handle), "cuEventDestroy");
        }
    }
}
