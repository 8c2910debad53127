package dev.baton.actors.cluster;

import dev.baton.actors.collective.tcp.CollectiveServer;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.StopMode;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * This node's part of a cluster run, for the caller that started it ({@link ClusterLauncher}):
 * stop requests (they reach the leader's coordinator from any node), the result as this node saw
 * it, and the end of the node's actor system and collective server.
 */
public final class ClusterRun implements AutoCloseable {
    private final ActorSystem<NodeMessage> system;
    private final CollectiveServer server;
    private final CompletableFuture<RunResult> outcome;
    private final List<String> seeds;

    ClusterRun(ActorSystem<NodeMessage> system, CollectiveServer server, CompletableFuture<RunResult> outcome,
               List<String> seeds) {
        this.system = system;
        this.server = server;
        this.outcome = outcome;
        this.seeds = seeds;
        // an actor system that ends first was refused (admission) or downed: say which
        system.getWhenTerminated().whenComplete((done, t) -> outcome.complete(new RunResult(RunResult.Status.FAILED, -1,
                endedEarly(), null)));
    }

    private String endedEarly() {
        Optional<CoordinatedShutdown.Reason> reason = CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason();
        if (reason.isPresent() && reason.get() == CoordinatedShutdown.incompatibleConfigurationDetectedReason()) {
            return "this node was refused by the cluster at " + seeds + ": its baton.cluster.secret, configuration or "
                    + "Baton build differs from the cluster's (the seed node's log says which; every node must share "
                    + "them)";
        }
        if (reason.isPresent() && reason.get() == CoordinatedShutdown.clusterDowningReason()) {
            return "this node was removed from the cluster (downed as unreachable, or on the minority side of a "
                    + "network partition); the run stopped";
        }
        return "the node's actor system ended before the run reported a result"
                + reason.map(r -> " (" + r + ")").orElse("");
    }

    /** Asks the run to stop; on a follower the request goes to the leader, which stops every node. */
    public void requestStop(StopMode mode) {
        system.tell(new NodeMessage.StopRun(mode));
    }

    public CompletableFuture<RunResult> result() {
        return outcome;
    }

    /** Waits for the result, at most {@code timeout} (then a FAILED result says so). */
    public RunResult await(Duration timeout) {
        try {
            return outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new RunResult(RunResult.Status.FAILED, -1, "the cluster run did not end within " + timeout.toSeconds()
                    + " s", null);
        } catch (ExecutionException e) {
            return new RunResult(RunResult.Status.FAILED, -1, "the cluster run failed: " + e.getCause(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster run", e);
        }
    }

    /**
     * Leaves the cluster and ends the actor system (waiting a few seconds at most), then closes the
     * collective server. Unreachable members (a node that died) are downed first: leaving needs
     * the remaining members to agree, which an unreachable member would block until the
     * split-brain resolver acts.
     */
    @Override
    public void close() {
        Cluster cluster = Cluster.get(system);
        for (Member m : cluster.state().getUnreachable()) {
            cluster.manager().tell(new Down(m.address()));
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a node whose peers are gone may not finish leaving; its threads end with the JVM
        } finally {
            server.close();
        }
    }
}
