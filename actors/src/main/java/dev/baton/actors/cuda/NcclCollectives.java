package dev.baton.actors.cuda;

import dev.baton.actors.collective.CollectiveFailure;
import dev.baton.actors.collective.CollectiveOp;
import dev.baton.actors.collective.Collectives;
import dev.baton.actors.collective.Communicator;
import dev.baton.actors.stream.CommandInfo;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.stream.Stream;
import dev.baton.kernels.nccl.Nccl;
import dev.baton.kernels.nccl.NcclComm;
import dev.baton.kernels.tensor.CudaTensor;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collectives between GPUs through NCCL: one communicator per local device (made together by
 * {@code ncclCommInitAll}, or joined by unique id as a block of a cluster run's ranks, the other
 * ranks living in other processes), each launch enqueued on the rank's comm {@link CudaStream}
 * as one NCCL group. The ops are mapped by {@link NcclLaunch}. {@link #abort} calls
 * {@code ncclCommAbort} on every communicator, so ranks blocked in a collective are released.
 * Owns the communicators, not the NCCL library.
 */
public final class NcclCollectives implements Collectives {
    private final Nccl nccl;
    private final List<NcclComm> comms;
    private final Rank[] ranks;
    private final int world;
    private final int firstRank;
    private volatile Throwable aborted;
    private boolean closed;

    /** Takes ownership of {@code comms}, rank i being {@code comms.get(i)}. */
    NcclCollectives(Nccl nccl, List<NcclComm> comms) {
        this(nccl, comms.size(), 0, comms);
    }

    /**
     * Takes ownership of {@code comms}, this process's ranks {@code firstRank ..} of a group of
     * {@code world}; the others' communicators are driven by their own processes.
     */
    NcclCollectives(Nccl nccl, int world, int firstRank, List<NcclComm> comms) {
        if (firstRank < 0 || firstRank + comms.size() > world) {
            throw new IllegalArgumentException("ranks " + firstRank + " .. " + (firstRank + comms.size() - 1) + " of " + world);
        }
        this.nccl = nccl;
        this.world = world;
        this.firstRank = firstRank;
        this.comms = List.copyOf(comms);
        this.ranks = new Rank[comms.size()];
        for (int r = 0; r < ranks.length; r++) {
            ranks[r] = new Rank(firstRank + r, this.comms.get(r));
        }
    }

    @Override
    public int world() {
        return world;
    }

    @Override
    public Communicator communicator(int rank) {
        if (rank >= firstRank && rank < firstRank + ranks.length) {
            return ranks[rank - firstRank];
        }
        return new Communicator() {
            @Override
            public int rank() {
                return rank;
            }

            @Override
            public int world() {
                return world;
            }

            @Override
            public long enqueue(Stream stream, long step, List<CollectiveOp> ops) {
                throw new IllegalStateException("rank " + rank + " is driven by another process; enqueue its collectives there");
            }
        };
    }

    @Override
    public synchronized void abort(Throwable cause) {
        if (aborted == null) {
            aborted = cause;
        }
        if (!closed) {
            closed = true;
            comms.forEach(NcclComm::abort);
        }
    }

    /**
     * Releases the communicators. When the group spans other processes (a cluster run) they are
     * released with {@code ncclCommAbort}, which frees this process's side without waiting for the
     * peers: {@code ncclCommDestroy} finalizes with the peers, and the leader closes its side
     * before it tells the other nodes that the run ended, so a destroy there
     * can wait forever (the likely cause of the leader hanging after the last checkpoint on
     * 2 x H100). Every collective has completed by then.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (comms.size() < world) {
                comms.forEach(NcclComm::abort);
            } else {
                comms.forEach(NcclComm::close);
            }
        }
    }

    private final class Rank implements Communicator {
        private final int rank;
        private final NcclComm comm;
        private final AtomicLong launches = new AtomicLong();

        Rank(int rank, NcclComm comm) {
            this.rank = rank;
            this.comm = comm;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int world() {
            return world;
        }

        @Override
        public long enqueue(Stream stream, long step, List<CollectiveOp> ops) {
            if (!(stream instanceof CudaStream cuda)) {
                throw new IllegalArgumentException("NCCL collectives run on a CUDA stream, not on " + stream);
            }
            List<CollectiveOp> copy = List.copyOf(ops);
            if (copy.isEmpty()) {
                throw new IllegalArgumentException("a collective launch needs at least one op");
            }
            List<NcclLaunch.Call> calls = NcclLaunch.plan(copy, rank, world);
            long seq = launches.getAndIncrement();
            long bytes = 0;
            StringBuilder labels = new StringBuilder();
            for (CollectiveOp op : copy) {
                bytes += op.wireBytes(world);
                labels.append(labels.length() == 0 ? "" : "+").append(op.label());
            }
            CommandKind kind = copy.size() == 1 ? copy.get(0).kind() : CommandKind.COLLECTIVE_GROUP;
            stream.enqueue(new CommandInfo(step, kind, labels.toString(), bytes, seq), () -> launch(seq, copy, calls, cuda));
            return seq;
        }

        private void launch(long seq, List<CollectiveOp> ops, List<NcclLaunch.Call> calls, CudaStream stream) {
            Throwable a = aborted;
            if (a != null) {
                throw new CollectiveFailure("collective #" + seq + " on rank " + rank + " refused: the group was aborted: "
                        + a.getMessage(), a);
            }
            long gpu = stream.gpuStream().address();
            nccl.groupStart();
            try {
                for (NcclLaunch.Call c : calls) {
                    CudaTensor t = CudaTensor.of(ops.get(c.op()).buffer());
                    c.launch(comm, t, gpu);
                }
            } finally {
                nccl.groupEnd();
            }
        }
    }
}
