package dev.baton.kernels.driver;

import jcuda.driver.JCudaDriver;

/**
 * Whether JCuda's driver binding (and through it libcuda.so.1) loaded. A class initialiser runs
 * once per JVM and later attempts only say "Could not initialize class", so the first, telling
 * error is kept here.
 */
final class DriverLibrary {
    /** Null when the binding loaded, else a one-line reason. */
    static final String LOAD_FAILURE = tryLoad();

    private DriverLibrary() {
    }

    private static String tryLoad() {
        try {
            JCudaDriver.cuDriverGetVersion(new int[1]);
            return null;
        } catch (LinkageError e) {
            return "the CUDA driver library could not be loaded through JCuda (" + summarize(e.getMessage())
                    + "): is an NVIDIA driver installed?";
        }
    }

    /** JCuda's message holds stack traces; keep the line that names the missing library. */
    static String summarize(String message) {
        if (message == null) {
            return "no detail";
        }
        String best = null;
        for (String line : message.split("\n")) {
            if (line.contains("cannot open shared object file") || line.contains("libcuda")) {
                best = line;
            }
        }
        if (best == null) {
            best = message.lines().findFirst().orElse(message);
        }
        int colon = best.lastIndexOf(".so: ");
        return (colon >= 0 ? best.substring(colon + 5) : best).strip();
    }
}
