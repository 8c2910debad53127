package dev.baton.kernels.nccl;

/** NCCL reduction operations, with their ncclRedOp_t codes (nccl.h); AVG needs NCCL 2.10+. */
public enum NcclRedOp {
    SUM(0), PROD(1), MAX(2), MIN(3), AVG(4);

    private final int code;

    NcclRedOp(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
