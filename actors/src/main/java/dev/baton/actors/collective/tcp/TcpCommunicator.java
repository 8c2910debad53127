package dev.baton.actors.collective.tcp;

import dev.baton.actors.collective.CollectiveFailure;
import dev.baton.actors.collective.CollectiveOp;
import dev.baton.actors.collective.Communicator;
import dev.baton.actors.collective.ReduceOp;
import dev.baton.actors.plan.Partition;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.stream.CommandInfo;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.stream.Stream;
import dev.baton.runtime.ops.cpu.CpuTensor;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One local rank of {@link TcpCollectives}. A launch runs on the rank's comm stream thread, which
 * receives and reduces, while the rank's sender thread writes the slices the peers need; a phase
 * ends when both are done, so the buffers are never read by the sender after the command ended.
 * Reductions take the ranks in order 0..W-1 (the own contribution at its place), which is the
 * summation order of the in-process collectives.
 */
final class TcpCommunicator implements Communicator {
    private final TcpCollectives group;
    private final int rank;
    private final int world;
    private final PeerLink[] links;
    private final long timeoutNanos;
    private final ExecutorService sender;
    private final AtomicLong launches = new AtomicLong();
    private float[] acc = new float[0];

    TcpCommunicator(TcpCollectives group, int rank, int world, PeerLink[] links, Duration timeout) {
        this.group = group;
        this.rank = rank;
        this.world = world;
        this.links = links;
        this.timeoutNanos = timeout.toNanos();
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "baton-tcp-send-rank-" + rank);
            t.setDaemon(true);
            return t;
        });
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
        Throwable a = group.aborted();
        if (a != null) {
            throw new CollectiveFailure("collective #" + seq + " on rank " + rank + " refused: the group was aborted: "
                    + a.getMessage(), a);
        }
        if (world == 1) {
            return;
        }
        try {
            for (int i = 0; i < ops.size(); i++) {
                exchange(seq, i, ops.get(i));
            }
        } catch (RuntimeException e) {
            CollectiveFailure f = e instanceof CollectiveFailure cf ? cf
                    : new CollectiveFailure("collective #" + seq + " on rank " + rank + " failed: " + e, e);
            Throwable earlier = group.aborted();
            if (earlier != null) {
                // the group was aborted first (the run stopped, or another rank lost a peer): that is the story
                f = new CollectiveFailure("collective #" + seq + " on rank " + rank + " was aborted: " + earlier.getMessage(), earlier);
            }
            group.abort(f); // a half-done exchange leaves the connections out of step: nobody may use them again
            throw f;
        }
    }

    private void exchange(long seq, int i, CollectiveOp op) {
        CpuTensor t = CpuTensor.of(op.buffer());
        float[] a = t.floats();
        if (a == null) {
            throw new IllegalArgumentException("collective on '" + op.label() + "': the TCP collectives move float tensors, not "
                    + t.dtype());
        }
        int base = t.offset();
        String label = op.label();
        if (op instanceof CollectiveOp.ReduceScatter rs) {
            List<ShardRange> ranges = elementRanges(rs.partition());
            reduce(seq, i, 0, op.kind(), label, a, base, ranges, rs.op());
        } else if (op instanceof CollectiveOp.AllGather) {
            List<ShardRange> ranges = elementRanges(((CollectiveOp.AllGather) op).partition());
            gather(seq, i, 0, op.kind(), label, a, base, ranges);
        } else if (op instanceof CollectiveOp.AllReduce ar) {
            List<ShardRange> chunks = ShardPlan.split(t.size(), world);
            reduce(seq, i, 0, op.kind(), label, a, base, chunks, ar.op());
            gather(seq, i, 1, op.kind(), label, a, base, chunks);
        } else if (op instanceof CollectiveOp.Broadcast bc) {
            broadcast(seq, i, op.kind(), label, a, base, t.size(), bc.root());
        }
    }

    /** Every rank sends each peer that peer's range; this rank sums its own range in rank order. */
    private void reduce(long seq, int op, int phase, CommandKind kind, String label, float[] a, int base,
                        List<ShardRange> ranges, ReduceOp how) {
        Future<?> sends = send(peer -> {
            ShardRange r = ranges.get(peer);
            links[peer].send(new FrameHeader(seq, op, phase, kind, label, r.count()), a, base + r.start());
        });
        ShardRange mine = ranges.get(rank);
        int n = mine.count();
        if (acc.length < n) {
            acc = new float[n];
        }
        FrameHeader expected = new FrameHeader(seq, op, phase, kind, label, n);
        for (int q = 0; q < world; q++) {
            if (q == rank) {
                int from = base + mine.start();
                if (q == 0) {
                    System.arraycopy(a, from, acc, 0, n);
                } else {
                    for (int k = 0; k < n; k++) {
                        acc[k] += a[from + k];
                    }
                }
            } else {
                links[q].receive(expected, acc, 0, q != 0);
            }
        }
        if (how == ReduceOp.AVG) {
            float scale = world;
            for (int k = 0; k < n; k++) {
                acc[k] = acc[k] / scale;
            }
        }
        join(sends, expected);
        System.arraycopy(acc, 0, a, base + mine.start(), n);
    }

    /** Every rank sends its own range to each peer and receives theirs in place. */
    private void gather(long seq, int op, int phase, CommandKind kind, String label, float[] a, int base,
                        List<ShardRange> ranges) {
        ShardRange mine = ranges.get(rank);
        FrameHeader own = new FrameHeader(seq, op, phase, kind, label, mine.count());
        Future<?> sends = send(peer -> links[peer].send(own, a, base + mine.start()));
        for (int q = 0; q < world; q++) {
            if (q != rank) {
                ShardRange r = ranges.get(q);
                links[q].receive(new FrameHeader(seq, op, phase, kind, label, r.count()), a, base + r.start(), false);
            }
        }
        join(sends, own);
    }

    private void broadcast(long seq, int op, CommandKind kind, String label, float[] a, int base, int size, int root) {
        FrameHeader h = new FrameHeader(seq, op, 0, kind, label, size);
        if (rank == root) {
            join(send(peer -> links[peer].send(h, a, base)), h);
        } else {
            links[root].receive(h, a, base, false);
        }
    }

    private interface PeerSend {
        void to(int peer) throws IOException;
    }

    /** Hands the sends of one phase to the sender thread, peers in the order rank+1, rank+2, ... (spreads the load). */
    private Future<?> send(PeerSend body) {
        return sender.submit(() -> {
            for (int k = 1; k < world; k++) {
                int peer = (rank + k) % world;
                try {
                    body.to(peer);
                } catch (IOException e) {
                    throw new CollectiveFailure("sending to " + links[peer].peerName() + " failed: " + e.getMessage(), e);
                }
            }
            return null;
        });
    }

    private void join(Future<?> sends, FrameHeader what) {
        try {
            sends.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new CollectiveFailure(what.describe() + " on rank " + rank + ": the peers did not take this rank's data "
                    + "within the wait timeout (baton.run.wait-timeout-s)");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof CollectiveFailure f ? f : new CollectiveFailure(what.describe() + " on rank " + rank
                    + ": " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveFailure(what.describe() + " on rank " + rank + " was interrupted");
        }
    }

    private List<ShardRange> elementRanges(Partition p) {
        List<ShardRange> out = new ArrayList<>(world);
        for (int r = 0; r < world; r++) {
            out.add(new ShardRange(Math.toIntExact(p.elementStart(r)), Math.toIntExact(p.elementEnd(r))));
        }
        return out;
    }

    void shutdown() {
        sender.shutdownNow();
    }
}
