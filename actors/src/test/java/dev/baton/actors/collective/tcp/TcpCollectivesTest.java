package dev.baton.actors.collective.tcp;

import dev.baton.actors.collective.CollectiveFailure;
import dev.baton.actors.collective.CollectiveOp;
import dev.baton.actors.collective.Collectives;
import dev.baton.actors.collective.InProcessCollectives;
import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.collective.ReduceOp;
import dev.baton.actors.plan.Partition;
import dev.baton.actors.stream.CpuStream;
import dev.baton.actors.stream.Delays;
import dev.baton.actors.stream.Event;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.ops.cpu.CpuTensor;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TCP collectives between two "nodes" of this JVM (ranks 0, 1 on node A, rank 2 on node B,
 * each node with its own server, over loopback) against the in-process collectives, and what a
 * dead, silent, mismatched or unauthenticated peer does.
 */
@Timeout(30)
class TcpCollectivesTest {
    private static final int WORLD = 3;
    private static final SharedSecret SECRET = SharedSecret.of("s3cret");

    private final CpuOps ops = new CpuOps(1);
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        ops.close();
    }

    /** Nodes A (ranks 0, 1) and B (rank 2), connected; element 0 is A's group, 1 is B's. */
    private List<TcpCollectives> mesh(Duration waitTimeout) {
        CollectiveServer a = server(SECRET);
        CollectiveServer b = server(SECRET);
        List<MeshLayout.Endpoint> ends = List.of(new MeshLayout.Endpoint("127.0.0.1", a.port(), "A"),
                new MeshLayout.Endpoint("127.0.0.1", a.port(), "A"), new MeshLayout.Endpoint("127.0.0.1", b.port(), "B"));
        CompletableFuture<TcpCollectives> na = CompletableFuture.supplyAsync(() -> TcpCollectives.connect(
                new MeshLayout(7, ends, List.of(0, 1)), a, SECRET, waitTimeout, Duration.ofSeconds(10)));
        TcpCollectives nb = TcpCollectives.connect(new MeshLayout(7, ends, List.of(2)), b, SECRET, waitTimeout,
                Duration.ofSeconds(10));
        TcpCollectives ga = na.join();
        closing.add(ga);
        closing.add(nb);
        return List.of(ga, nb);
    }

    private CollectiveServer server(SharedSecret secret) {
        CollectiveServer s = CollectiveServer.open("127.0.0.1", 0, secret, Duration.ofSeconds(2), refusals::add);
        closing.add(s);
        return s;
    }

    private static Collectives groupOf(List<TcpCollectives> nodes, int rank) {
        return rank < 2 ? nodes.get(0) : nodes.get(1);
    }

    private CpuStream stream(int rank) {
        CpuStream s = new CpuStream("cpu:" + rank, rank, "comm", Duration.ofSeconds(20), e -> { }, Delays.NONE);
        closing.add(s);
        return s;
    }

    private CpuTensor buffer(float[] data) {
        return (CpuTensor) ops.upload(data, Shape.of(data.length), DType.F32);
    }

    /** The same launches on both implementations; returns [impl][rank] buffers after them. */
    private float[][][] both(IntFunction<float[][]> data, IntFunction<List<CollectiveOp>>[] launchesOf,
                             List<List<CpuTensor>> buffersOut) {
        List<TcpCollectives> nodes = mesh(Duration.ofSeconds(10));
        InProcessCollectives local = new InProcessCollectives(WORLD, LinkModel.NONE, Duration.ofSeconds(10), Delays.NONE);
        closing.add(local);
        float[][][] out = new float[2][WORLD][];
        for (int impl = 0; impl < 2; impl++) {
            List<CpuTensor> bufs = new ArrayList<>();
            for (int r = 0; r < WORLD; r++) {
                for (float[] d : data.apply(r)) {
                    bufs.add(buffer(d.clone()));
                }
            }
            buffersOut.add(bufs);
            List<Event> done = new ArrayList<>();
            for (int r = 0; r < WORLD; r++) {
                CpuStream s = stream(r);
                Collectives g = impl == 0 ? local : groupOf(nodes, r);
                for (IntFunction<List<CollectiveOp>> launch : launchesOf) {
                    g.communicator(r).enqueue(s, 0, launch.apply(r));
                }
                done.add(s.record());
            }
            done.forEach(e -> e.await(Duration.ofSeconds(20)));
        }
        return out;
    }

    private static float[] random(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCollectiveGivesTheInProcessNumbersBitForBit() {
        int big = 100_003; // several 64 KiB chunks per slice, odd so that ranges are uneven
        Partition uneven = Partition.balanced(7, 5, WORLD);   // units 3, 2, 2 of 5 elements
        Partition bigPart = Partition.balanced(big, 1, WORLD);
        IntFunction<float[][]> data = r -> new float[][] {random(r, 35), random(10 + r, big), random(20 + r, 9),
                random(30 + r, 35), random(40 + r, 11)};
        // buffers per rank: 0 rs-uneven, 1 big (rs then ag), 2 all-reduce sum, 3 all-gather, 4 broadcast
        List<List<CpuTensor>> bufs = new ArrayList<>();
        int per = 5;
        IntFunction<List<CollectiveOp>>[] launches = new IntFunction[] {
            r -> List.of(new CollectiveOp.ReduceScatter("u", bufs.get(bufs.size() - 1).get(r * per), uneven, ReduceOp.AVG)),
            r -> List.of(new CollectiveOp.ReduceScatter("big", bufs.get(bufs.size() - 1).get(r * per + 1), bigPart, ReduceOp.SUM),
                    new CollectiveOp.AllReduce("sum", bufs.get(bufs.size() - 1).get(r * per + 2), ReduceOp.AVG)),
            r -> List.of(new CollectiveOp.AllGather("big", bufs.get(bufs.size() - 1).get(r * per + 1), bigPart)),
            r -> List.of(new CollectiveOp.AllGather("g", bufs.get(bufs.size() - 1).get(r * per + 3), uneven)),
            r -> List.of(new CollectiveOp.Broadcast("b", bufs.get(bufs.size() - 1).get(r * per + 4), 1)),
        };
        both(data, launches, bufs);
        for (int r = 0; r < WORLD; r++) {
            for (int k = 0; k < per; k++) {
                float[] inProcess = ops.download(bufs.get(0).get(r * per + k));
                float[] tcp = ops.download(bufs.get(1).get(r * per + k));
                if (k == 0) { // only the owned range of a reduce-scatter is specified
                    int s = (int) uneven.elementStart(r);
                    int e = (int) uneven.elementEnd(r);
                    inProcess = java.util.Arrays.copyOfRange(inProcess, s, e);
                    tcp = java.util.Arrays.copyOfRange(tcp, s, e);
                }
                assertArrayEquals(inProcess, tcp, "rank " + r + " buffer " + k);
            }
        }
        float[] b1 = random(41, 11);
        assertArrayEquals(b1, ops.download(bufs.get(1).get(4)), "broadcast from rank 1");
        float[] sum = ops.download(bufs.get(1).get(2));
        float expected0 = ((random(20, 9)[0] + random(21, 9)[0]) + random(22, 9)[0]) / 3f;
        assertEquals(expected0, sum[0], 0f, "all-reduce average in rank order");
    }

    @Test
    void aPeerThatDiesFailsTheOthersAtOnceNamingItsNode() {
        List<TcpCollectives> nodes = mesh(Duration.ofSeconds(20));
        CpuStream s0 = stream(0);
        for (int r = 0; r < 2; r++) { // node A's ranks wait for rank 2, which never comes
            CpuStream s = r == 0 ? s0 : stream(r);
            nodes.get(0).communicator(r).enqueue(s, 3, List.of(new CollectiveOp.AllReduce("x", buffer(new float[6]), ReduceOp.SUM)));
        }
        Event e0 = s0.record();
        long start = System.nanoTime();
        nodes.get(1).abort(new CollectiveFailure("node B went away")); // closes B's sockets, like a killed process
        Exception failure = assertThrows(Exception.class, () -> e0.await(Duration.ofSeconds(10)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 3_000, "released after " + millis + " ms, not after the 20 s wait timeout");
        String m = String.valueOf(s0.failure());
        assertTrue(m.contains("rank 2 (node B) closed the connection"), m);
    }

    @Test
    void aSilentPeerFailsTheCollectiveAfterTheWaitTimeout() {
        List<TcpCollectives> nodes = mesh(Duration.ofMillis(400));
        CpuTensor t0 = buffer(new float[6]);
        CpuStream s0 = stream(0);
        nodes.get(0).communicator(0).enqueue(s0, 3, List.of(new CollectiveOp.AllReduce("x", t0, ReduceOp.SUM)));
        assertThrows(Exception.class, () -> s0.record().await(Duration.ofSeconds(10)));
        String m = String.valueOf(s0.failure());
        assertTrue(m.contains("rank 1 (node A) sent nothing within the wait timeout")
                || m.contains("rank 2 (node B) sent nothing within the wait timeout"), m);
    }

    @Test
    void ranksThatLaunchDifferentCollectivesFailNamingBoth() {
        List<TcpCollectives> nodes = mesh(Duration.ofSeconds(5));
        List<Event> done = new ArrayList<>();
        List<CpuStream> streams = new ArrayList<>();
        for (int r = 0; r < WORLD; r++) {
            CpuStream s = stream(r);
            streams.add(s);
            String label = r == 2 ? "other" : "x";
            groupOf(nodes, r).communicator(r).enqueue(s, 0, List.of(new CollectiveOp.AllReduce(label, buffer(new float[6]), ReduceOp.SUM)));
            done.add(s.record());
        }
        assertThrows(Exception.class, () -> done.get(0).await(Duration.ofSeconds(10)));
        String m = String.valueOf(streams.get(0).failure());
        assertTrue(m.contains("differs between ranks") && m.contains("all_reduce x") && m.contains("all_reduce other"), m);
    }

    @Test
    void strangersAreRefusedAndLogged() throws IOException {
        CollectiveServer a = server(SECRET);
        try (Socket s = new Socket("127.0.0.1", a.port())) {
            new DataOutputStream(s.getOutputStream()).writeBytes("GET / HTTP/1.0\r\n\r\n");
            assertEquals(-1, s.getInputStream().read(), "the server closes a non-Baton connection");
        }
        List<MeshLayout.Endpoint> ends = List.of(new MeshLayout.Endpoint("127.0.0.1", a.port(), "A"),
                new MeshLayout.Endpoint("127.0.0.1", 1, "X"));
        CollectiveServer x = server(SharedSecret.of("wrong"));
        CollectiveFailure f = assertThrows(CollectiveFailure.class, () -> TcpCollectives.connect(
                new MeshLayout(9, ends, List.of(1)), x, SharedSecret.of("wrong"), Duration.ofSeconds(1), Duration.ofSeconds(3)));
        assertTrue(f.getMessage().contains("refused this node"), f.getMessage());
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (refusals.size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(2, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).contains("not a Baton collective connection"), refusals.get(0));
        assertTrue(refusals.get(1).contains("does not know the cluster secret"), refusals.get(1));
        assertTrue(refusals.stream().noneMatch(r -> r.contains("s3cret") || r.contains("wrong")), "no secret in logs");
    }
}
