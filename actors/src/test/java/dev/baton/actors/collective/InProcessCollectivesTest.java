package dev.baton.actors.collective;

import dev.baton.actors.plan.Partition;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.stream.CpuStream;
import dev.baton.actors.stream.Delays;
import dev.baton.actors.stream.Event;
import dev.baton.actors.stream.ExecutedCommand;
import dev.baton.actors.stream.StreamFailure;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.ops.cpu.CpuTensor;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class InProcessCollectivesTest {
    private final CpuOps ops = new CpuOps(1);
    private final List<CpuStream> streams = new ArrayList<>();
    private final List<ExecutedCommand> executed = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        streams.forEach(CpuStream::close);
        ops.close();
    }

    private CpuTensor buffer(float[] data) {
        return (CpuTensor) ops.upload(data, Shape.of(data.length), DType.F32);
    }

    /** Launches {@code ops.apply(rank)} on every rank's stream and waits for all. */
    private List<Event> launch(InProcessCollectives group, IntFunction<List<CollectiveOp>> opsOf) {
        List<Event> events = new ArrayList<>();
        for (int r = 0; r < group.world(); r++) {
            CpuStream s = new CpuStream("cpu:" + r, r, "comm", Duration.ofSeconds(5), executed::add, Delays.NONE);
            streams.add(s);
            group.communicator(r).enqueue(s, 0, opsOf.apply(r));
            events.add(s.record());
        }
        return events;
    }

    private static void awaitAll(List<Event> events) {
        for (Event e : events) {
            e.await(Duration.ofSeconds(10));
        }
    }

    @Test
    void reduceScatterAveragesEachRanksUnevenRange() {
        int world = 3;
        Partition part = Partition.balanced(5, 2, world); // 5 units of 2 elements: [0,1) [1,3) [3,5)
        List<CpuTensor> bufs = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            float[] a = new float[10];
            for (int i = 0; i < 10; i++) {
                a[i] = r * 100 + i;
            }
            bufs.add(buffer(a));
        }
        InProcessCollectives g = new InProcessCollectives(world, LinkModel.NONE, Duration.ofSeconds(5), Delays.NONE);
        awaitAll(launch(g, r -> List.of(new CollectiveOp.ReduceScatter("p", bufs.get(r), part, ReduceOp.AVG))));
        for (int r = 0; r < world; r++) {
            float[] got = ops.download(bufs.get(r));
            for (long i = part.elementStart(r); i < part.elementEnd(r); i++) {
                assertEquals(100f + i, got[(int) i], "rank " + r + " element " + i + " = mean of 0+i, 100+i, 200+i");
            }
        }
    }

    @Test
    void allGatherCollectsEveryOwnersRange() {
        int world = 4;
        Partition part = Partition.balanced(6, 3, world);
        List<CpuTensor> bufs = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            float[] a = new float[18];
            java.util.Arrays.fill(a, -1);
            for (long i = part.elementStart(r); i < part.elementEnd(r); i++) {
                a[(int) i] = r;
            }
            bufs.add(buffer(a));
        }
        InProcessCollectives g = new InProcessCollectives(world, LinkModel.NONE, Duration.ofSeconds(5), Delays.NONE);
        awaitAll(launch(g, r -> List.of(new CollectiveOp.AllGather("p", bufs.get(r), part))));
        float[] expected = new float[18];
        for (int q = 0; q < world; q++) {
            for (long i = part.elementStart(q); i < part.elementEnd(q); i++) {
                expected[(int) i] = q;
            }
        }
        for (int r = 0; r < world; r++) {
            assertArrayEquals(expected, ops.download(bufs.get(r)), "rank " + r);
        }
    }

    @Test
    void allReduceAndBroadcastGiveEveryRankTheSameResult() {
        int world = 4;
        List<CpuTensor> sums = new ArrayList<>();
        List<CpuTensor> casts = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            sums.add(buffer(new float[] {r, 2 * r, 3 * r, 1, 5, 6, 7}));
            casts.add(buffer(new float[] {r, r, r}));
        }
        InProcessCollectives g = new InProcessCollectives(world, LinkModel.NONE, Duration.ofSeconds(5), Delays.NONE);
        awaitAll(launch(g, r -> List.of(new CollectiveOp.AllReduce("s", sums.get(r), ReduceOp.SUM),
                new CollectiveOp.Broadcast("b", casts.get(r), 2))));
        for (int r = 0; r < world; r++) {
            assertArrayEquals(new float[] {6, 12, 18, 4, 20, 24, 28}, ops.download(sums.get(r)));
            assertArrayEquals(new float[] {2, 2, 2}, ops.download(casts.get(r)));
        }
    }

    @Test
    void sumsAddRanksInRankOrderWhateverTheTiming() {
        int world = 8;
        int n = 1000;
        SplittableRandom rnd = new SplittableRandom(42);
        float[][] inputs = new float[world][n];
        for (float[] a : inputs) {
            for (int i = 0; i < n; i++) {
                a[i] = (float) (rnd.nextDouble() * 2e3 - 1e3) * (float) Math.pow(10, rnd.nextInt(-4, 4));
            }
        }
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            float s = inputs[0][i];
            for (int q = 1; q < world; q++) {
                s += inputs[q][i];
            }
            expected[i] = s / world;
        }
        Partition part = Partition.balanced(n, 1, world);
        for (long seed = 1; seed <= 4; seed++) {
            List<CpuTensor> ar = new ArrayList<>();
            List<CpuTensor> rs = new ArrayList<>();
            for (int r = 0; r < world; r++) {
                ar.add(buffer(inputs[r].clone()));
                rs.add(buffer(inputs[r].clone()));
            }
            InProcessCollectives g = new InProcessCollectives(world, LinkModel.NONE, Duration.ofSeconds(5),
                    new Delays(seed, 300_000));
            awaitAll(launch(g, r -> List.of(new CollectiveOp.AllReduce("ar", ar.get(r), ReduceOp.AVG))));
            awaitAll(launch(g, r -> List.of(new CollectiveOp.ReduceScatter("rs", rs.get(r), part, ReduceOp.AVG))));
            for (int r = 0; r < world; r++) {
                assertArrayEquals(expected, ops.download(ar.get(r)), "all-reduce bitwise, seed " + seed + " rank " + r);
                float[] mine = ops.download(rs.get(r));
                for (long i = part.elementStart(r); i < part.elementEnd(r); i++) {
                    assertEquals(Float.floatToIntBits(expected[(int) i]), Float.floatToIntBits(mine[(int) i]));
                }
            }
        }
    }

    @Test
    void theLinkCostsLatencyPlusRingBytesOverBandwidthFromTheLastArrival() {
        int world = 4;
        int n = 16_384; // 64 KiB of fp32: the reduction itself is negligible next to the link time
        Partition part = Partition.balanced(n, 1, world);
        List<CpuTensor> bufs = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            bufs.add((CpuTensor) ops.allocate(Shape.of(n), DType.F32));
        }
        LinkModel link = LinkModel.of(Duration.ofMillis(2), 5e6);
        long wire = (long) n * 4 * 3 / 4;
        long expected = 2_000_000 + Math.round(wire * 1e9 / 5e6);
        assertEquals(expected, link.durationNanos(wire, world));
        InProcessCollectives warm = new InProcessCollectives(world, LinkModel.NONE, Duration.ofSeconds(5), Delays.NONE);
        for (int i = 0; i < 3; i++) {
            awaitAll(launch(warm, r -> List.of(new CollectiveOp.ReduceScatter("big", bufs.get(r), part, ReduceOp.SUM))));
        }
        executed.clear();
        InProcessCollectives g = new InProcessCollectives(world, link, Duration.ofSeconds(5), Delays.NONE);
        awaitAll(launch(g, r -> List.of(new CollectiveOp.ReduceScatter("big", bufs.get(r), part, ReduceOp.SUM))));
        long lastStart = executed.stream().mapToLong(ExecutedCommand::startNanos).max().orElseThrow();
        long firstEnd = executed.stream().mapToLong(ExecutedCommand::endNanos).min().orElseThrow();
        double ms = (firstEnd - lastStart) / 1e6;
        double want = expected / 1e6;
        assertTrue(ms >= want - 0.05 && ms < want + 20, "expected 2 ms + 48 KiB / 5 MB/s = " + want + " ms, measured " + ms);
        assertEquals(wire, executed.get(0).info().bytes(), "the command records the ring bytes");
    }

    @Test
    void aGroupPaysTheLatencyOnce() {
        int world = 2;
        List<List<CollectiveOp>> perRank = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            List<CollectiveOp> l = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                l.add(new CollectiveOp.AllReduce("g" + k, buffer(new float[] {r, k}), ReduceOp.SUM));
            }
            perRank.add(l);
        }
        InProcessCollectives g = new InProcessCollectives(world, LinkModel.of(Duration.ofMillis(30), 0), Duration.ofSeconds(5),
                Delays.NONE);
        awaitAll(launch(g, perRank::get));
        long lastStart = executed.stream().mapToLong(ExecutedCommand::startNanos).max().orElseThrow();
        long firstEnd = executed.stream().mapToLong(ExecutedCommand::endNanos).min().orElseThrow();
        double ms = (firstEnd - lastStart) / 1e6;
        assertTrue(ms >= 29.9 && ms < 60, "three fused all-reduces take one 30 ms latency (not 90), took " + ms);
        assertEquals(1, executed.size() / world, "one command per rank");
        assertEquals("g0+g1+g2", executed.get(0).info().param());
    }

    @Test
    void ranksThatLaunchDifferentCollectivesAllFailWithBothNamed() {
        InProcessCollectives g = new InProcessCollectives(2, LinkModel.NONE, Duration.ofSeconds(5), Delays.NONE);
        List<Event> events = launch(g, r -> r == 0
                ? List.of(new CollectiveOp.ReduceScatter("attn", buffer(new float[4]), Partition.balanced(4, 1, 2), ReduceOp.AVG))
                : List.of(new CollectiveOp.AllReduce("scalars", buffer(new float[4]), ReduceOp.AVG)));
        for (Event e : events) {
            StreamFailure f = assertThrows(StreamFailure.class, () -> e.await(Duration.ofSeconds(5)));
            assertTrue(f.getMessage().contains("differs between ranks") && f.getMessage().contains("reduce_scatter attn")
                    && f.getMessage().contains("all_reduce scalars"), f.getMessage());
        }
    }

    @Test
    void aMissingRankTimesOutNamingIt() {
        InProcessCollectives g = new InProcessCollectives(3, LinkModel.NONE, Duration.ofMillis(200), Delays.NONE);
        CpuStream s0 = new CpuStream("cpu:0", 0, "comm", Duration.ofSeconds(5), executed::add, Delays.NONE);
        CpuStream s1 = new CpuStream("cpu:1", 1, "comm", Duration.ofSeconds(5), executed::add, Delays.NONE);
        streams.add(s0);
        streams.add(s1);
        g.communicator(0).enqueue(s0, 3, List.of(new CollectiveOp.AllReduce("x", buffer(new float[2]), ReduceOp.SUM)));
        g.communicator(1).enqueue(s1, 3, List.of(new CollectiveOp.AllReduce("x", buffer(new float[2]), ReduceOp.SUM)));
        StreamFailure f = assertThrows(StreamFailure.class, () -> s0.record().await(Duration.ofSeconds(5)));
        assertTrue(f.getMessage().contains("ranks [2] did not arrive within 200 ms"), f.getMessage());
    }

    @Test
    void abortReleasesWaitingRanksAtOnce() throws Exception {
        InProcessCollectives g = new InProcessCollectives(2, LinkModel.NONE, Duration.ofSeconds(30), Delays.NONE);
        CpuStream s0 = new CpuStream("cpu:0", 0, "comm", Duration.ofSeconds(30), executed::add, Delays.NONE);
        streams.add(s0);
        g.communicator(0).enqueue(s0, 1, List.of(new CollectiveOp.AllReduce("x", buffer(new float[2]), ReduceOp.SUM)));
        Event e = s0.record();
        Thread.sleep(50);
        long t0 = System.nanoTime();
        g.abort(new IllegalStateException("cpu:1 crashed"));
        StreamFailure f = assertThrows(StreamFailure.class, () -> e.await(Duration.ofSeconds(5)));
        assertTrue((System.nanoTime() - t0) / 1e6 < 1000);
        assertTrue(f.getMessage().contains("aborted") && f.getMessage().contains("cpu:1 crashed"), f.getMessage());
    }

    @Test
    void ringBytesFollowTheCollective() {
        CpuTensor t = buffer(new float[1000]);
        Partition p = Partition.balanced(1000, 1, 4);
        assertEquals(3000, new CollectiveOp.ReduceScatter("a", t, p, ReduceOp.AVG).wireBytes(4));
        assertEquals(3000, new CollectiveOp.AllGather("a", t, p).wireBytes(4));
        assertEquals(6000, new CollectiveOp.AllReduce("a", t, ReduceOp.AVG).wireBytes(4));
        assertEquals(0, new CollectiveOp.AllReduce("a", t, ReduceOp.AVG).wireBytes(1));
        CpuTensor bf16 = (CpuTensor) ops.allocate(Shape.of(1000), DType.BF16);
        assertEquals(1500, new CollectiveOp.AllGather("a", bf16, p).wireBytes(4), "bf16 moves 2 bytes per element");
        assertEquals(ShardPlan.split(1000, 4), p.ranges());
    }
}
