package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.kernels.driver.LaunchShape;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.runtime.tensor.DType;

/**
 * The kernels of {@code elementwise.cu}: fill, axpy and fp32/bf16 casts on whole tensors.
 * Owns the loaded module; launches are asynchronous on the caller's stream.
 */
public final class Elementwise implements AutoCloseable {
    private static final int THREADS = 256;
    /** Grid-stride loops need only a few waves of blocks to saturate memory bandwidth. */
    private static final int BLOCKS_PER_SM = 8;

    private final CudaModule module;
    private final DeviceProperties device;
    private final CudaKernel fillF32;
    private final CudaKernel fillBf16;
    private final CudaKernel axpyF32;
    private final CudaKernel castF32Bf16;
    private final CudaKernel castBf16F32;

    private Elementwise(CudaModule module, DeviceProperties device) {
        this.module = module;
        this.device = device;
        this.fillF32 = module.kernel("baton_fill_f32");
        this.fillBf16 = module.kernel("baton_fill_bf16");
        this.axpyF32 = module.kernel("baton_axpy_f32");
        this.castF32Bf16 = module.kernel("baton_cast_f32_bf16");
        this.castBf16F32 = module.kernel("baton_cast_bf16_f32");
    }

    /** Loads the module's best image for {@code device} (current context). */
    public static Elementwise load(DeviceProperties device) {
        return new Elementwise(CudaModule.load("elementwise", device), device);
    }

    /** Loads from the given module (e.g. the PTX, to test the JIT path); takes ownership. */
    public static Elementwise from(CudaModule module, DeviceProperties device) {
        return new Elementwise(module, device);
    }

    /** The image the module was loaded from. */
    public String image() {
        return module.image();
    }

    /** Every element of {@code t} := value (rounded to nearest even for bf16). */
    public void fill(CudaTensor t, float value, CudaStream stream) {
        CudaKernel k = switch (t.dtype()) {
            case F32 -> fillF32;
            case BF16 -> fillBf16;
            default -> throw new IllegalArgumentException("fill of a " + t.dtype() + " tensor");
        };
        launch(k, t.numel(), stream, KernelArgs.of().pointer(t.address()).f32(value).i64(t.numel()));
    }

    /** y := alpha · x + y, fp32. */
    public void axpy(float alpha, CudaTensor x, CudaTensor y, CudaStream stream) {
        if (x.dtype() != DType.F32 || y.dtype() != DType.F32 || x.numel() != y.numel()) {
            throw new IllegalArgumentException("axpy needs two fp32 tensors of one size: " + x + ", " + y);
        }
        launch(axpyF32, y.numel(), stream,
                KernelArgs.of().pointer(y.address()).pointer(x.address()).f32(alpha).i64(y.numel()));
    }

    /** dst := src converted (fp32 → bf16 rounds to nearest even; bf16 → fp32 is exact). */
    public void cast(CudaTensor src, CudaTensor dst, CudaStream stream) {
        if (src.numel() != dst.numel()) {
            throw new IllegalArgumentException("cast of " + src + " into " + dst);
        }
        CudaKernel k;
        if (src.dtype() == DType.F32 && dst.dtype() == DType.BF16) {
            k = castF32Bf16;
        } else if (src.dtype() == DType.BF16 && dst.dtype() == DType.F32) {
            k = castBf16F32;
        } else {
            throw new IllegalArgumentException("cast from " + src.dtype() + " to " + dst.dtype());
        }
        launch(k, src.numel(), stream, KernelArgs.of().pointer(dst.address()).pointer(src.address()).i64(src.numel()));
    }

    private void launch(CudaKernel kernel, long n, CudaStream stream, KernelArgs args) {
        if (n == 0) {
            return;
        }
        kernel.launch(LaunchShape.gridStride(n, THREADS, device, BLOCKS_PER_SM), stream, args);
    }

    @Override
    public void close() {
        module.close();
    }
}
