package dev.baton.kernels.bench;

import dev.baton.kernels.nccl.NcclComm;
import dev.baton.kernels.nccl.NcclDataType;
import dev.baton.kernels.nccl.NcclRedOp;

/**
 * The collectives a sweep times, with nccl-tests' conventions: the size of a launch is the whole
 * buffer (reduce-scatter's input, all-gather's output, all-reduce's either), and bus bandwidth is
 * the algorithm bandwidth times the share of it every link must carry in a ring.
 */
public enum SweepCollective {
    REDUCE_SCATTER("reduce_scatter"),
    ALL_GATHER("all_gather"),
    ALL_REDUCE("all_reduce");

    private final String wireName;

    SweepCollective(String wireName) {
        this.wireName = wireName;
    }

    /** The name in sweep files and schedule files (replay's CommandKind wire names). */
    public String wireName() {
        return wireName;
    }

    /** busbw / algbw: 2(W-1)/W for all-reduce, (W-1)/W for reduce-scatter and all-gather; 0 at W = 1. */
    public double busFactor(int world) {
        requireWorld(world);
        double share = (world - 1) / (double) world;
        return this == ALL_REDUCE ? 2 * share : share;
    }

    /**
     * Elements of the whole buffer for a requested size: reduce-scatter and all-gather split it
     * into {@code world} equal parts, so it is rounded down to a multiple of {@code world} (as
     * nccl-tests does); 0 when the size holds less than one element per rank.
     */
    public long bufferElements(long bytes, int elementBytes, int world) {
        requireWorld(world);
        long elements = bytes / elementBytes;
        return this == ALL_REDUCE ? elements : elements / world * world;
    }

    /** Elements each rank sends. */
    public long sendElements(long bufferElements, int world) {
        return this == ALL_GATHER ? bufferElements / world : bufferElements;
    }

    /** Elements each rank receives. */
    public long recvElements(long bufferElements, int world) {
        return this == REDUCE_SCATTER ? bufferElements / world : bufferElements;
    }

    /** Enqueues this rank's part of one launch (sum for the reductions), out of place. */
    void launch(NcclComm comm, long send, long recv, long bufferElements, NcclDataType type, long stream) {
        int world = comm.count();
        switch (this) {
            case REDUCE_SCATTER -> comm.reduceScatter(send, recv, bufferElements / world, type, NcclRedOp.SUM, stream);
            case ALL_GATHER -> comm.allGather(send, recv, bufferElements / world, type, stream);
            case ALL_REDUCE -> comm.allReduce(send, recv, bufferElements, type, NcclRedOp.SUM, stream);
            default -> throw new IllegalStateException(name());
        }
    }

    private static void requireWorld(int world) {
        if (world < 1) {
            throw new IllegalArgumentException("world size " + world);
        }
    }
}
