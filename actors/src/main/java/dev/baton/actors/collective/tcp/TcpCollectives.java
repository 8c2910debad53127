package dev.baton.actors.collective.tcp;

import dev.baton.actors.collective.CollectiveFailure;
import dev.baton.actors.collective.CollectiveOp;
import dev.baton.actors.collective.Collectives;
import dev.baton.actors.collective.Communicator;
import dev.baton.actors.stream.Stream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Collectives between CPU devices of several JVMs over the project's own TCP transport: a full
 * mesh of authenticated connections, one per pair of ranks, and a direct exchange per collective
 * (each rank sends every peer the slice that peer reduces or needs). Sums run in rank order
 * 0..W-1 like {@code InProcessCollectives}, so a run gives the same numbers bit for bit whichever
 * JVM each rank lives in. A lost connection, a silent peer (the wait timeout) or an abort fails
 * the collective and poisons the whole group on this node, which closes its connections and so
 * releases the peers on every other node at once.
 */
public final class TcpCollectives implements Collectives {
    private final MeshLayout layout;
    private final TcpCommunicator[] locals;
    private final List<PeerLink> links;
    private volatile Throwable aborted;

    private TcpCollectives(MeshLayout layout, PeerLink[][] byRank, List<PeerLink> links, Duration waitTimeout) {
        this.layout = layout;
        this.links = List.copyOf(links);
        this.locals = new TcpCommunicator[layout.world()];
        for (int r : layout.localRanks()) {
            locals[r] = new TcpCommunicator(this, r, layout.world(), byRank[r], waitTimeout);
        }
    }

    /**
     * Opens this node's side of the mesh: each local rank dials every lower rank's server and
     * takes the connections of every higher rank from {@code server}; blocks until all are up.
     *
     * @param waitTimeout the longest a collective waits for a peer's data (baton.run.wait-timeout-s)
     * @throws CollectiveFailure naming the pair that could not connect within {@code connectTimeout}
     */
    public static TcpCollectives connect(MeshLayout layout, CollectiveServer server, SharedSecret secret,
                                         Duration waitTimeout, Duration connectTimeout) {
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        int world = layout.world();
        PeerLink[][] byRank = new PeerLink[world][];
        List<PeerLink> opened = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        int from = -1;
        int to = -1;
        try {
            for (int b : layout.localRanks()) {
                byRank[b] = new PeerLink[world];
                for (int a = 0; a < b; a++) {
                    from = b;
                    to = a;
                    Wire w = dial(layout.endpoints().get(a), deadline);
                    try {
                        w.readTimeout(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                        LinkHandshake.connect(w.in, w.out, secret, random, layout.runId(), b, a);
                        PeerLink link = new PeerLink(w, b, a, layout.endpoints().get(a).node(), waitTimeout.toMillis());
                        opened.add(link);
                        byRank[b][a] = link;
                    } catch (IOException | RuntimeException e) {
                        w.close();
                        throw e;
                    }
                }
            }
            for (int a : layout.localRanks()) {
                for (int b = a + 1; b < world; b++) {
                    from = b;
                    to = a;
                    Wire w = server.await(layout.runId(), a, b, deadline);
                    PeerLink link = new PeerLink(w, a, b, layout.endpoints().get(b).node(), waitTimeout.toMillis());
                    opened.add(link);
                    byRank[a][b] = link;
                }
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(PeerLink::close);
            String why = e instanceof LinkHandshake.Refused ? e.getMessage()
                    : e.getMessage() != null ? e.getMessage() : e.toString();
            throw new CollectiveFailure("cannot connect the collectives of " + layout.describe(from) + " and "
                    + layout.describe(to) + " within " + connectTimeout.toMillis() + " ms: " + why, e);
        }
        return new TcpCollectives(layout, byRank, opened, waitTimeout);
    }

    private static Wire dial(MeshLayout.Endpoint e, long deadline) throws IOException {
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(e.host(), e.port()), (int) Math.max(1, Math.min(left, 5_000)));
                return new Wire(s);
            } catch (IOException refused) {
                s.close();
                if (left <= 100) {
                    throw new IOException("cannot reach " + e.host() + ":" + e.port() + ": " + refused.getMessage(), refused);
                }
                LockSupport.parkNanos(100_000_000L); // the peer may still be starting its server
            }
        }
    }

    @Override
    public int world() {
        return layout.world();
    }

    /** A local rank's communicator; ranks of other nodes get one that refuses to enqueue (their node drives them). */
    @Override
    public Communicator communicator(int rank) {
        TcpCommunicator c = locals[rank];
        if (c != null) {
            return c;
        }
        return new Communicator() {
            @Override
            public int rank() {
                return rank;
            }

            @Override
            public int world() {
                return layout.world();
            }

            @Override
            public long enqueue(Stream stream, long step, List<CollectiveOp> ops) {
                throw new IllegalStateException(layout.describe(rank) + " is driven by its own node; enqueue its "
                        + "collectives there");
            }
        };
    }

    public MeshLayout layout() {
        return layout;
    }

    /** The abort cause, or null while healthy. */
    Throwable aborted() {
        return aborted;
    }

    /** Fails every pending and future collective of this node and closes its connections (peers see them close). */
    @Override
    public void abort(Throwable cause) {
        synchronized (this) {
            if (aborted != null) {
                return;
            }
            aborted = cause;
        }
        links.forEach(PeerLink::close);
    }

    @Override
    public void close() {
        abort(new CollectiveFailure("the collectives group was closed"));
        for (TcpCommunicator c : locals) {
            if (c != null) {
                c.shutdown();
            }
        }
    }

    @Override
    public String toString() {
        return "TcpCollectives(world=" + layout.world() + ", local ranks " + layout.localRanks() + ")";
    }
}
