package dev.baton.kernels.driver;

import jcuda.driver.CUstream;

/** A JCuda stream handle that also tells its raw address, for the JNI shim (no reflection). */
final class StreamHandle extends CUstream {
    long address() {
        return getNativePointer();
    }
}
