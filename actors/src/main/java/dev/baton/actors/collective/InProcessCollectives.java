package dev.baton.actors.collective;

import dev.baton.actors.plan.Partition;
import dev.baton.actors.stream.CommandInfo;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.stream.Delays;
import dev.baton.actors.stream.Stream;
import dev.baton.runtime.ops.cpu.CpuTensor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Collectives between CPU devices of one JVM. Each rank's launch runs on that rank's stream
 * thread: the ranks meet, each reduces or copies its share straight from the other ranks'
 * buffers, and they leave together. Results never depend on timing: every sum adds the ranks
 * in rank order 0, 1, ..., W-1, whichever rank computes it. With a {@link LinkModel} the launch
 * lasts latency + ring bytes / bandwidth from the moment the last rank arrived.
 */
public final class InProcessCollectives implements Collectives {
    private static final int PHASES = 3; // arrive, first half done, second half done

    private final int world;
    private final LinkModel link;
    private final long timeoutNanos;
    private final Delays delays;
    private final ConcurrentHashMap<Long, Rendezvous> open = new ConcurrentHashMap<>();
    private final Rank[] ranks;
    private volatile Throwable aborted;

    public InProcessCollectives(int world, LinkModel link, Duration timeout, Delays delays) {
        if (world < 1) {
            throw new IllegalArgumentException("world size must be at least 1, got " + world);
        }
        this.world = world;
        this.link = link;
        this.timeoutNanos = timeout.toNanos();
        this.delays = delays;
        this.ranks = new Rank[world];
        for (int r = 0; r < world; r++) {
            ranks[r] = new Rank(r);
        }
    }

    @Override
    public int world() {
        return world;
    }

    @Override
    public Communicator communicator(int rank) {
        return ranks[rank];
    }

    @Override
    public void abort(Throwable cause) {
        if (aborted == null) {
            aborted = cause;
        }
        open.values().forEach(Rendezvous::wake);
    }

    @Override
    public void close() {
        abort(new CollectiveFailure("the collectives group was closed"));
    }

    private final class Rank implements Communicator {
        private final int rank;
        private final AtomicLong launches = new AtomicLong();

        Rank(int rank) {
            this.rank = rank;
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
            List<CollectiveOp> copy = List.copyOf(ops);
            if (copy.isEmpty()) {
                throw new IllegalArgumentException("a collective launch needs at least one op");
            }
            long seq = launches.getAndIncrement();
            long bytes = 0;
            StringBuilder labels = new StringBuilder();
            for (CollectiveOp op : copy) {
                bytes += op.wireBytes(world);
                labels.append(labels.length() == 0 ? "" : "+").append(op.label());
            }
            CommandKind kind = copy.size() == 1 ? copy.get(0).kind() : CommandKind.COLLECTIVE_GROUP;
            stream.enqueue(new CommandInfo(step, kind, labels.toString(), bytes, seq), () -> run(seq, copy));
            return seq;
        }

        private void run(long seq, List<CollectiveOp> ops) {
            Throwable a = aborted;
            if (a != null) {
                throw new CollectiveFailure("collective #" + seq + " on rank " + rank + " refused: the group was aborted: "
                        + a.getMessage(), a);
            }
            if (world == 1) {
                for (CollectiveOp op : ops) {
                    CpuReductions.single(op);
                }
                return;
            }
            delays.pause();
            Rendezvous rv = open.computeIfAbsent(seq, s -> new Rendezvous(s, world, PHASES));
            try {
                rv.arrive(rank, ops, timeoutNanos, () -> aborted);
                requireSameOps(seq, rv);
                for (int i = 0; i < ops.size(); i++) {
                    CpuReductions.firstHalf(ops.get(i), rank, world, peers(rv, i));
                }
                rv.barrier(1, rank, timeoutNanos, () -> aborted);
                for (int i = 0; i < ops.size(); i++) {
                    CpuReductions.secondHalf(ops.get(i), rank, world, peers(rv, i));
                }
                rv.barrier(2, rank, timeoutNanos, () -> aborted);
                long bytes = 0;
                for (CollectiveOp op : ops) {
                    bytes += op.wireBytes(world);
                }
                waitUntil(rv.allArrivedNanos() + link.durationNanos(bytes, world));
            } finally {
                if (rv.leave()) {
                    open.remove(seq);
                }
            }
        }
    }

    private CpuTensor[] peers(Rendezvous rv, int opIndex) {
        CpuTensor[] out = new CpuTensor[world];
        for (int r = 0; r < world; r++) {
            out[r] = CpuTensor.of(rv.opsOf(r).get(opIndex).buffer());
        }
        return out;
    }

    /** Every rank checks every rank against rank 0, so that all of them fail alike on a mismatch. */
    private void requireSameOps(long seq, Rendezvous rv) {
        List<CollectiveOp> ref = rv.opsOf(0);
        for (int r = 1; r < world; r++) {
            List<CollectiveOp> other = rv.opsOf(r);
            boolean same = other.size() == ref.size();
            for (int i = 0; same && i < ref.size(); i++) {
                same = compatible(ref.get(i), other.get(i));
            }
            if (!same) {
                throw new CollectiveFailure("collective #" + seq + " differs between ranks: rank 0 launched "
                        + describe(ref) + " but rank " + r + " launched " + describe(other)
                        + "; every rank must issue the same collectives in the same order");
            }
        }
    }

    private static boolean compatible(CollectiveOp a, CollectiveOp b) {
        if (a.getClass() != b.getClass() || !a.label().equals(b.label()) || a.buffer().numel() != b.buffer().numel()) {
            return false;
        }
        if (a instanceof CollectiveOp.ReduceScatter x && b instanceof CollectiveOp.ReduceScatter y) {
            return x.partition().equals(y.partition()) && x.op() == y.op();
        }
        if (a instanceof CollectiveOp.AllGather x && b instanceof CollectiveOp.AllGather y) {
            return x.partition().equals(y.partition());
        }
        if (a instanceof CollectiveOp.AllReduce x && b instanceof CollectiveOp.AllReduce y) {
            return x.op() == y.op();
        }
        return a instanceof CollectiveOp.Broadcast x && b instanceof CollectiveOp.Broadcast y && x.root() == y.root();
    }

    private static String describe(List<CollectiveOp> ops) {
        StringBuilder b = new StringBuilder();
        for (CollectiveOp op : ops) {
            b.append(b.length() == 0 ? "" : " + ").append(op.describe());
        }
        return b.toString();
    }

    /** Parks until {@code deadline} (System.nanoTime), spinning for the last 100 µs to be precise. */
    static void waitUntil(long deadline) {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 100_000) {
            LockSupport.parkNanos(remaining - 100_000);
        }
        while (deadline - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
    }

    /** A partition's element range of {@code rank}, as ints for array loops. */
    static int start(Partition p, int rank) {
        return Math.toIntExact(p.elementStart(rank));
    }

    static int end(Partition p, int rank) {
        return Math.toIntExact(p.elementEnd(rank));
    }

    @Override
    public String toString() {
        return "InProcessCollectives(world=" + world + ", link=" + Objects.toString(link) + ")";
    }
}
