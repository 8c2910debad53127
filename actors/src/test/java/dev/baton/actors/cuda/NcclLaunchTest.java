package dev.baton.actors.cuda;

import dev.baton.actors.collective.CollectiveOp;
import dev.baton.actors.collective.ReduceOp;
import dev.baton.actors.plan.Partition;
import dev.baton.actors.plan.ShardRange;
import dev.baton.kernels.nccl.NcclRedOp;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The runtime's in-place collectives as NCCL calls: even partitions in NCCL's in-place form, uneven ones otherwise. */
class NcclLaunchTest {
    private static final CpuOps OPS = new CpuOps(1);
    // 12 units of 10 elements
    private static final Tensor BUFFER = OPS.allocate(Shape.of(12, 10), DType.F32);

    @AfterAll
    static void close() {
        BUFFER.close();
        OPS.close();
    }

    private static Partition of(int... counts) {
        List<ShardRange> ranges = new ArrayList<>();
        int start = 0;
        for (int c : counts) {
            ranges.add(new ShardRange(start, start + c));
            start += c;
        }
        return new Partition(ranges, 10);
    }

    @Test
    void evenReduceScatterReceivesInTheRanksOwnRange() {
        CollectiveOp rs = new CollectiveOp.ReduceScatter("attn", BUFFER, of(3, 3, 3, 3), ReduceOp.AVG);
        List<NcclLaunch.Call> calls = NcclLaunch.plan(List.of(rs), 2, 4);
        assertEquals(List.of(new NcclLaunch.Call(0, NcclLaunch.Kind.REDUCE_SCATTER, 0, 60, 30, 0, NcclRedOp.AVG)), calls);
    }

    @Test
    void evenAllGatherSendsFromTheRanksOwnRange() {
        CollectiveOp ag = new CollectiveOp.AllGather("attn", BUFFER, of(6, 6));
        assertEquals(List.of(new NcclLaunch.Call(0, NcclLaunch.Kind.ALL_GATHER, 60, 0, 60, 0, null)),
                NcclLaunch.plan(List.of(ag), 1, 2));
    }

    @Test
    void unevenPartitionsBecomeAllReduceAndOwnerBroadcasts() {
        Partition uneven = of(5, 4, 3);
        CollectiveOp rs = new CollectiveOp.ReduceScatter("mlp", BUFFER, uneven, ReduceOp.SUM);
        CollectiveOp ag = new CollectiveOp.AllGather("mlp", BUFFER, uneven);
        List<NcclLaunch.Call> calls = NcclLaunch.plan(List.of(rs, ag), 1, 3);
        assertEquals(List.of(
                new NcclLaunch.Call(0, NcclLaunch.Kind.ALL_REDUCE, 0, 0, 120, 0, NcclRedOp.SUM),
                new NcclLaunch.Call(1, NcclLaunch.Kind.BROADCAST, 0, 0, 50, 0, null),
                new NcclLaunch.Call(1, NcclLaunch.Kind.BROADCAST, 50, 50, 40, 1, null),
                new NcclLaunch.Call(1, NcclLaunch.Kind.BROADCAST, 90, 90, 30, 2, null)), calls);
    }

    @Test
    void emptyRangesSendNothing() {
        CollectiveOp ag = new CollectiveOp.AllGather("embed", BUFFER, of(12, 0));
        assertEquals(List.of(new NcclLaunch.Call(0, NcclLaunch.Kind.BROADCAST, 0, 0, 120, 0, null)),
                NcclLaunch.plan(List.of(ag), 1, 2));
    }

    @Test
    void oneRankIsOneInPlaceCallEach() {
        CollectiveOp rs = new CollectiveOp.ReduceScatter("attn", BUFFER, of(12), ReduceOp.AVG);
        CollectiveOp ar = new CollectiveOp.AllReduce("scalars", BUFFER, ReduceOp.AVG);
        CollectiveOp bc = new CollectiveOp.Broadcast("embed", BUFFER, 0);
        assertEquals(List.of(
                new NcclLaunch.Call(0, NcclLaunch.Kind.REDUCE_SCATTER, 0, 0, 120, 0, NcclRedOp.AVG),
                new NcclLaunch.Call(1, NcclLaunch.Kind.ALL_REDUCE, 0, 0, 120, 0, NcclRedOp.AVG),
                new NcclLaunch.Call(2, NcclLaunch.Kind.BROADCAST, 0, 0, 120, 0, null)),
                NcclLaunch.plan(List.of(rs, ar, bc), 0, 1));
    }

    @Test
    void partitionOfAnotherWorldIsRefused() {
        CollectiveOp rs = new CollectiveOp.ReduceScatter("attn", BUFFER, of(6, 6), ReduceOp.AVG);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NcclLaunch.plan(List.of(rs), 0, 4));
        assertEquals("collective on 'attn': partition has 2 ranks but the communicator 4", e.getMessage());
    }
}
