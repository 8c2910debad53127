package dev.baton.kernels.driver;

import dev.baton.kernels.shim.NativeCallException;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code .cu} file of the kernels module, loaded into the current context.
 *
 * <p>The build leaves, per source, a cubin for Hopper ({@code <name>.sm_90a.cubin}) and a PTX
 * ({@code <name>.compute_90.ptx}) under {@value #RESOURCE_FOLDER}. The device's own cubin loads
 * with no compilation; any other device of compute capability 9.0 or newer gets the PTX,
 * compiled by the driver's JIT on first load.
 */
public final class CudaModule implements AutoCloseable {
    public static final String RESOURCE_FOLDER = "/dev/baton/kernels/cuda/";

    /** The PTX targets the build produces, oldest first. */
    private static final int[][] PTX_TARGETS = {{9, 0}};

    private final CUmodule module;
    private final String image;
    private boolean open = true;

    private CudaModule(CUmodule module, String image) {
        this.module = module;
        this.image = image;
    }

    /** Loads the best image of {@code name} for {@code device}: its cubin, else a PTX. */
    public static CudaModule load(String name, DeviceProperties device) {
        return loadFirst(name, imageCandidates(name, device.major(), device.minor()));
    }

    /** Loads the PTX of {@code name} through the JIT even where a cubin exists (tests, new GPUs). */
    public static CudaModule loadPtx(String name, DeviceProperties device) {
        return loadFirst(name, imageCandidates(name, device.major(), device.minor()).stream()
                .filter(f -> f.endsWith(".ptx")).toList());
    }

    /** Image file names to try for a device of compute capability major.minor, best first. */
    static List<String> imageCandidates(String name, int major, int minor) {
        List<String> files = new ArrayList<>();
        files.add(name + ".sm_" + major + minor + "a.cubin");
        files.add(name + ".sm_" + major + minor + ".cubin");
        for (int i = PTX_TARGETS.length - 1; i >= 0; i--) {
            int[] t = PTX_TARGETS[i];
            if (major > t[0] || (major == t[0] && minor >= t[1])) {
                files.add(name + ".compute_" + t[0] + t[1] + ".ptx");
            }
        }
        return files;
    }

    private static CudaModule loadFirst(String name, List<String> files) {
        List<String> failures = new ArrayList<>();
        for (String file : files) {
            byte[] bytes = resource(file);
            if (bytes == null) {
                continue;
            }
            CUmodule m = new CUmodule();
            int r = JCudaDriver.cuModuleLoadData(m, file.endsWith(".ptx") ? withNul(bytes) : bytes);
            if (r == 0) {
                return new CudaModule(m, file);
            }
            NativeCallException e = DriverCall.failure(r, "cuModuleLoadData(" + file + ")");
            failures.add(e.getMessage());
        }
        if (failures.isEmpty()) {
            throw new IllegalStateException("no compiled image of CUDA module '" + name + "' for this GPU: tried "
                    + String.join(", ", files) + " under " + RESOURCE_FOLDER
                    + " (was the kernels module built with nvcc on the PATH?)");
        }
        throw new IllegalStateException("CUDA module '" + name + "' did not load: " + String.join("; ", failures));
    }

    private static byte[] resource(String file) {
        try (InputStream in = CudaModule.class.getResourceAsStream(RESOURCE_FOLDER + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE_FOLDER + file, e);
        }
    }

    private static byte[] withNul(byte[] text) {
        byte[] out = new byte[text.length + 1];
        System.arraycopy(text, 0, out, 0, text.length);
        return out;
    }

    /** The image file that was loaded, e.g. "elementwise.sm_90a.cubin". */
    public String image() {
        return image;
    }

    /** The kernel named {@code function} (an {@code extern "C"} name). */
    public CudaKernel kernel(String function) {
        if (!open) {
            throw new IllegalStateException("module " + image + " is closed");
        }
        CUfunction f = new CUfunction();
        DriverCall.check(JCudaDriver.cuModuleGetFunction(f, module, function),
                "cuModuleGetFunction(" + image + ", " + function + ")");
        return new CudaKernel(f, function);
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            DriverCall.check(JCudaDriver.cuModuleUnload(module), "cuModuleUnload(" + image + ")");
        }
    }
}
