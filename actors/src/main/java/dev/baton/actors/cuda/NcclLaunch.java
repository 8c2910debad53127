package dev.baton.actors.cuda;

import dev.baton.actors.collective.CollectiveOp;
import dev.baton.actors.collective.ReduceOp;
import dev.baton.actors.plan.Partition;
import dev.baton.kernels.nccl.NcclComm;
import dev.baton.kernels.nccl.NcclDataType;
import dev.baton.kernels.nccl.NcclRedOp;
import dev.baton.kernels.tensor.CudaTensor;

import java.util.ArrayList;
import java.util.List;

/**
 * How one rank's in-place collectives become NCCL calls. An even partition is one NCCL call in
 * NCCL's in-place form (reduce-scatter: the rank's range of the buffer receives; all-gather: it
 * sends). An uneven partition, which NCCL's reduce-scatter and all-gather cannot express, becomes
 * an all-reduce of the whole buffer (every range then holds its reduction; the rest is scratch
 * anyway) or one broadcast per owner of its own range. Offsets and counts are elements.
 */
final class NcclLaunch {
    /** The NCCL entry point of a call. */
    enum Kind {
        REDUCE_SCATTER, ALL_GATHER, ALL_REDUCE, BROADCAST
    }

    /**
     * One NCCL call on the buffer of {@code ops[op]}: send at {@code sendOffset}, receive at
     * {@code recvOffset}; {@code count} is NCCL's count (per rank for reduce-scatter and all-gather).
     */
    record Call(int op, Kind kind, long sendOffset, long recvOffset, long count, int root, NcclRedOp reduce) {
        void launch(NcclComm comm, CudaTensor buffer, long stream) {
            long base = buffer.address();
            long size = buffer.dtype().bytes();
            long send = base + sendOffset * size;
            long recv = base + recvOffset * size;
            NcclDataType type = NcclDataType.of(buffer.dtype());
            switch (kind) {
                case REDUCE_SCATTER -> comm.reduceScatter(send, recv, count, type, reduce, stream);
                case ALL_GATHER -> comm.allGather(send, recv, count, type, stream);
                case ALL_REDUCE -> comm.allReduce(send, recv, count, type, reduce, stream);
                case BROADCAST -> comm.broadcast(send, recv, count, type, root, stream);
                default -> throw new IllegalStateException(kind.toString());
            }
        }
    }

    private NcclLaunch() {
    }

    /** The calls of rank {@code rank} of {@code world} for one launch, in op order. */
    static List<Call> plan(List<CollectiveOp> ops, int rank, int world) {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            CollectiveOp op = ops.get(i);
            long n = op.buffer().numel();
            if (op instanceof CollectiveOp.ReduceScatter rs) {
                Partition p = requireWorld(rs.partition(), world, rs.label());
                if (p.even()) {
                    long count = n / world;
                    calls.add(new Call(i, Kind.REDUCE_SCATTER, 0, rank * count, count, 0, reduce(rs.op())));
                } else {
                    calls.add(new Call(i, Kind.ALL_REDUCE, 0, 0, n, 0, reduce(rs.op())));
                }
            } else if (op instanceof CollectiveOp.AllGather ag) {
                Partition p = requireWorld(ag.partition(), world, ag.label());
                if (p.even()) {
                    long count = n / world;
                    calls.add(new Call(i, Kind.ALL_GATHER, rank * count, 0, count, 0, null));
                } else {
                    for (int r = 0; r < world; r++) {
                        long start = p.elementStart(r);
                        long count = p.elementEnd(r) - start;
                        if (count > 0) {
                            calls.add(new Call(i, Kind.BROADCAST, start, start, count, r, null));
                        }
                    }
                }
            } else if (op instanceof CollectiveOp.AllReduce ar) {
                calls.add(new Call(i, Kind.ALL_REDUCE, 0, 0, n, 0, reduce(ar.op())));
            } else if (op instanceof CollectiveOp.Broadcast b) {
                calls.add(new Call(i, Kind.BROADCAST, 0, 0, n, b.root(), null));
            }
        }
        return calls;
    }

    private static Partition requireWorld(Partition p, int world, String label) {
        if (p.world() != world) {
            throw new IllegalArgumentException("collective on '" + label + "': partition has " + p.world()
                    + " ranks but the communicator " + world);
        }
        return p;
    }

    private static NcclRedOp reduce(ReduceOp op) {
        return op == ReduceOp.AVG ? NcclRedOp.AVG : NcclRedOp.SUM;
    }
}
