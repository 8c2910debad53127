package dev.baton.kernels.shim;

/**
 * A call into a native GPU library (CUDA driver, cuBLASLt, NCCL) returned an error; the message
 * names the library, the call, and the library's error code, name and description.
 */
public final class NativeCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String library;
    private final String call;
    private final int code;
    private final String codeName;

    /** Also called from the JNI shim; keep the signature. */
    public NativeCallException(String library, String call, int code, String codeName, String detail) {
        super(library + " " + call + " failed: " + codeName + " (" + code + ")"
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.library = library;
        this.call = call;
        this.code = code;
        this.codeName = codeName;
    }

    public String library() {
        return library;
    }

    public String call() {
        return call;
    }

    /** The library's own error code (CUresult, cublasStatus_t, ncclResult_t). */
    public int code() {
        return code;
    }

    public String codeName() {
        return codeName;
    }
}
