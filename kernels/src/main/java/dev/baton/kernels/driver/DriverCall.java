package dev.baton.kernels.driver;

import dev.baton.kernels.shim.NativeCallException;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** Checks CUDA driver return codes, turning failures into {@link NativeCallException}s. */
final class DriverCall {
    static final String LIBRARY = "CUDA driver";

    private DriverCall() {
    }

    /** Throws unless {@code result} is CUDA_SUCCESS. */
    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw failure(result, call);
        }
    }

    static NativeCallException failure(int result, String call) {
        String[] text = new String[1];
        String description = JCudaDriver.cuGetErrorString(result, text) == CUresult.CUDA_SUCCESS && text[0] != null
                ? text[0] : "";
        return new NativeCallException(LIBRARY, call, result, CUresult.stringFor(result), description);
    }
}
