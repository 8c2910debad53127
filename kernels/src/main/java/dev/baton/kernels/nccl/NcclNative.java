package dev.baton.kernels.nccl;

/** The shim's NCCL entry points (nccl.c); addresses are raw pointers, counts are elements. */
final class NcclNative {
    /** ncclInProgress: a non-blocking operation is still running (not an error). */
    static final int IN_PROGRESS = 7;

    private static final String[] RESULT_NAMES = {
        "ncclSuccess", "ncclUnhandledCudaError", "ncclSystemError", "ncclInternalError",
        "ncclInvalidArgument", "ncclInvalidUsage", "ncclRemoteError", "ncclInProgress",
    };

    private NcclNative() {
    }

    /** The ncclResult_t name of a code. */
    static String resultName(int code) {
        return code >= 0 && code < RESULT_NAMES.length ? RESULT_NAMES[code] : "ncclUnknownResult";
    }

    static native long load(long library);

    static native void unload(long api);

    static native int version(long api);

    static native String errorString(long api, int code);

    static native byte[] uniqueId(long api);

    static native long initRank(long api, int nranks, byte[] id, int rank);

    static native long[] initAll(long api, int[] devices);

    static native void destroy(long api, long comm);

    static native void abort(long api, long comm);

    static native int asyncError(long api, long comm);

    static native int[] describe(long api, long comm);

    static native void reduceScatter(long api, long comm, long send, long recv, long recvCount, int type, int op,
                                     long stream);

    static native void allGather(long api, long comm, long send, long recv, long sendCount, int type, long stream);

    static native void allReduce(long api, long comm, long send, long recv, long count, int type, int op,
                                 long stream);

    static native void broadcast(long api, long comm, long send, long recv, long count, int type, int root,
                                 long stream);

    static native void groupStart(long api);

    static native void groupEnd(long api);
}
