package dev.baton.kernels.shim;

import java.util.List;

/**
 * A native library opened with dlopen by the shim, from the first of several candidate files
 * that loads.
 *
 * <p>Not closeable on purpose: cuBLASLt and NCCL keep threads and exit hooks, so unmapping them
 * from a live JVM is unsafe; like {@code System.loadLibrary}, an opened library stays for the
 * life of the process (dlopen counts references, so opening again maps nothing new).
 */
public final class SharedLibrary {
    private final String name;
    private final long handle;
    private final String path;

    private SharedLibrary(String name, long handle, String path) {
        this.name = name;
        this.handle = handle;
        this.path = path;
    }

    /**
     * Opens the first candidate that loads.
     *
     * @param name the library's name for messages, e.g. "cuBLASLt"
     * @param candidates file names or paths, tried in order
     * @param probeSymbol a symbol the library exports, used to report the file that was opened
     * @throws LibraryNotFoundException naming every candidate when none loads
     */
    public static SharedLibrary open(String name, List<String> candidates, String probeSymbol) {
        NativeShim.require();
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidate files for " + name);
        }
        long handle = open0(name, candidates.toArray(new String[0]));
        return new SharedLibrary(name, handle, pathOf0(handle, probeSymbol));
    }

    public String name() {
        return name;
    }

    /** The dlopen handle, for the shim's library-specific entry points. */
    public long handle() {
        return handle;
    }

    /** The file the loader actually mapped (after symlinks and search paths), or "?". */
    public String path() {
        return path;
    }

    @Override
    public String toString() {
        return name + " (" + path + ")";
    }

    static native String shimVersion();

    private static native long open0(String library, String[] candidates);

    private static native String pathOf0(long handle, String symbol);
}
