package dev.baton.kernels.driver;

import jcuda.driver.CUdeviceptr;

/** A JCuda device pointer that also tells its raw address, for the JNI shim (no reflection). */
final class DevicePointer extends CUdeviceptr {
    long address() {
        return getNativePointer() + getByteOffset();
    }
}
