package dev.baton.actors.collective;

import dev.baton.actors.plan.Partition;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.runtime.ops.cpu.CpuTensor;

import java.util.List;

/**
 * The arithmetic of the in-process collectives, split in two halves separated by a barrier so
 * that no rank writes what another still reads. Each rank reduces only its own range and reads
 * the other ranks' buffers only outside the ranges they write; every sum runs over ranks 0..W-1
 * in that order.
 */
final class CpuReductions {
    private CpuReductions() {
    }

    /** A world of one: nothing moves; an average over one rank is the value itself. */
    static void single(CollectiveOp op) {
        // x / 1 == x exactly, and every other collective is the identity on one rank
    }

    /** Reduce-scatter: my range reduced; all-gather and broadcast: copies; all-reduce: my element chunk reduced. */
    static void firstHalf(CollectiveOp op, int rank, int world, CpuTensor[] peers) {
        if (op instanceof CollectiveOp.ReduceScatter rs) {
            Partition p = rs.partition();
            reduceRange(peers, rank, InProcessCollectives.start(p, rank), InProcessCollectives.end(p, rank), rs.op());
        } else if (op instanceof CollectiveOp.AllGather ag) {
            Partition p = ag.partition();
            for (int q = 0; q < world; q++) {
                if (q != rank) {
                    copyRange(peers[q], peers[rank], InProcessCollectives.start(p, q), InProcessCollectives.end(p, q));
                }
            }
        } else if (op instanceof CollectiveOp.AllReduce ar) {
            ShardRange mine = chunks(peers[rank], world).get(rank);
            reduceRange(peers, rank, mine.start(), mine.end(), ar.op());
        } else if (op instanceof CollectiveOp.Broadcast bc) {
            if (rank != bc.root()) {
                copyRange(peers[bc.root()], peers[rank], 0, peers[rank].size());
            }
        }
    }

    /** All-reduce only: collect the other ranks' reduced chunks (the all-gather half of the ring). */
    static void secondHalf(CollectiveOp op, int rank, int world, CpuTensor[] peers) {
        if (op instanceof CollectiveOp.AllReduce) {
            List<ShardRange> chunks = chunks(peers[rank], world);
            for (int q = 0; q < world; q++) {
                if (q != rank) {
                    copyRange(peers[q], peers[rank], chunks.get(q).start(), chunks.get(q).end());
                }
            }
        }
    }

    private static List<ShardRange> chunks(CpuTensor t, int world) {
        return ShardPlan.split(t.size(), world);
    }

    private static void reduceRange(CpuTensor[] peers, int rank, int from, int to, ReduceOp op) {
        int world = peers.length;
        float[] out = peers[rank].floats();
        int outOff = peers[rank].offset();
        float[][] in = new float[world][];
        int[] off = new int[world];
        for (int q = 0; q < world; q++) {
            in[q] = peers[q].floats();
            off[q] = peers[q].offset();
        }
        float scale = world;
        for (int i = from; i < to; i++) {
            float s = in[0][off[0] + i];
            for (int q = 1; q < world; q++) {
                s += in[q][off[q] + i];
            }
            out[outOff + i] = op == ReduceOp.AVG ? s / scale : s;
        }
    }

    private static void copyRange(CpuTensor from, CpuTensor to, int start, int end) {
        System.arraycopy(from.floats(), from.offset() + start, to.floats(), to.offset() + start, end - start);
    }
}
