package dev.baton.kernels.driver;

import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.JCudaDriver;

/** A kernel function of a loaded {@link CudaModule}; valid while the module is open. */
public final class CudaKernel {
    private final CUfunction function;
    private final String name;

    CudaKernel(CUfunction function, String name) {
        this.function = function;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Enqueues the kernel on {@code stream}; returns at once. */
    public void launch(LaunchShape shape, CudaStream stream, KernelArgs args) {
        DriverCall.check(JCudaDriver.cuLaunchKernel(function,
                shape.gridX(), shape.gridY(), shape.gridZ(),
                shape.blockX(), shape.blockY(), shape.blockZ(),
                shape.sharedBytes(), stream.handle(), args.toParams(), null), "cuLaunchKernel(" + name + ")");
    }

    /** Lets launches use more than 48 KiB of dynamic shared memory (up to the device's opt-in limit). */
    public void allowDynamicSharedMemory(int bytes) {
        DriverCall.check(JCudaDriver.cuFuncSetAttribute(function,
                CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
                "cuFuncSetAttribute(" + name + ", max dynamic shared " + bytes + ")");
    }
}
