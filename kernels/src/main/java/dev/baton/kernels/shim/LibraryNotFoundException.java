package dev.baton.kernels.shim;

/**
 * A native library could not be loaded from any of the files tried; the message names the
 * library, every file name tried, the loader's most telling error, and how to fix it.
 */
public final class LibraryNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The fix for CUDA libraries that are installed somewhere the loader does not look. */
    public static final String CUDA_LIBS_HINT =
            "put the folder that holds it in BATON_CUDA_LIBS (or LD_LIBRARY_PATH)";

    private final String library;
    private final String tried;

    /** Called from the JNI shim for CUDA libraries; keep the signature. */
    public LibraryNotFoundException(String library, String tried, String detail) {
        this(library, tried, detail, CUDA_LIBS_HINT);
    }

    public LibraryNotFoundException(String library, String tried, String detail, String hint) {
        super(library + " not found: tried " + tried
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")")
                + "; " + hint);
        this.library = library;
        this.tried = tried;
    }

    public String library() {
        return library;
    }

    /** The file names tried, comma-separated, in order. */
    public String tried() {
        return tried;
    }
}
