package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import dev.baton.actors.collective.tcp.CollectiveServer;
import dev.baton.actors.cuda.NcclJoinable;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.Workload;
import org.apache.pekko.actor.typed.ActorSystem;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Starts this node's part of a multi-node run ({@code baton train --profile cluster}): every node
 * runs the same command with the same configuration but its own {@code baton.cluster.host/port};
 * the nodes form a Pekko cluster from the seed nodes, the first node by address coordinates, and
 * the run's result comes back on every node. The launcher's train command calls
 * {@link #run(Config, Workload, RunListener)} when {@code baton.cluster.nodes > 1}.
 */
public final class ClusterLauncher {
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    private ClusterLauncher() {
    }

    /**
     * Runs this node's part to the end and returns the result (the same on every node, or a
     * message saying why this node could not take part).
     */
    public static RunResult run(Config root, Workload workload, RunListener listener) {
        ClusterSettings cluster;
        RunSettings run;
        try {
            cluster = ClusterSettings.fromConfig(root);
            run = RunSettings.fromConfig(root);
        } catch (IllegalArgumentException e) {
            return new RunResult(RunResult.Status.FAILED, -1, e.getMessage(), null);
        }
        return run(cluster, run, workload, listener);
    }

    /** As {@link #run(Config, Workload, RunListener)} with settings bound (or built) by the caller. */
    public static RunResult run(ClusterSettings cluster, RunSettings run, Workload workload, RunListener listener) {
        ClusterRun r;
        try {
            r = start(cluster, run, workload, listener);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new RunResult(RunResult.Status.FAILED, -1, e.getMessage(), null);
        }
        try (r) {
            return r.await(Duration.ofDays(365));
        }
    }

    /**
     * Starts this node: opens the collective server and the actor system (both bound to
     * {@code baton.cluster.host} only) and begins joining.
     *
     * @throws IllegalArgumentException for settings that cannot form a cluster
     * @throws IllegalStateException    when a port cannot be bound
     */
    public static ClusterRun start(ClusterSettings cluster, RunSettings run, Workload workload, RunListener listener) {
        return start(cluster, run, workload, listener, null);
    }

    /**
     * As {@link #start(ClusterSettings, RunSettings, Workload, RunListener)} on this node's GPUs
     * {@code gpus} (opened by the caller, who closes them after the run) when
     * {@code baton.devices.kind = cuda}: the leader makes the NCCL unique id, the run plan carries
     * it, every node joins its GPUs' communicators with it at its global ranks; null on CPUs.
     */
    public static ClusterRun start(ClusterSettings cluster, RunSettings run, Workload workload, RunListener listener,
                                   NcclJoinable gpus) {
        if (cluster.nodes() < 2) {
            throw new IllegalArgumentException("baton.cluster.nodes = " + cluster.nodes() + ": a single node trains "
                    + "without a cluster (TrainingRun)");
        }
        if (run.world() != cluster.nodes() * cluster.devicesPerNode()) {
            throw new IllegalArgumentException("the run has " + run.world() + " devices but the cluster "
                    + cluster.nodes() + " x " + cluster.devicesPerNode());
        }
        NodeTransport transport = NodeTransport.choose(cluster, gpus);
        if (cluster.secret().isEmpty()) {
            listener.notice("baton.cluster.secret is empty: any host that reaches " + cluster.node()
                    + " may join; set a secret outside trusted networks");
        }
        CollectiveServer server = CollectiveServer.open(cluster.host(), cluster.collectivePort(), cluster.secret(),
                HANDSHAKE_TIMEOUT);
        CompletableFuture<RunResult> outcome = new CompletableFuture<>();
        NodeSetup setup = new NodeSetup(cluster, run, workload, listener, server, transport, outcome);
        ActorSystem<NodeMessage> system;
        try {
            system = ActorSystem.create(ClusterNode.create(setup), ClusterSettings.SYSTEM, PekkoClusterConfig.of(cluster));
        } catch (RuntimeException e) {
            server.close();
            throw new IllegalStateException("cannot start cluster node " + cluster.node() + ": " + rootMessage(e)
                    + " (is another node using port " + cluster.port() + "? set baton.cluster.port)", e);
        }
        return new ClusterRun(system, server, outcome, cluster.seedNodes());
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage() == null ? r.toString() : r.getMessage();
    }
}
