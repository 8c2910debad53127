package dev.baton.actors.cluster;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.run.CoordinatorCommand;
import dev.baton.actors.run.RunCoordinator;
import dev.baton.actors.run.RunResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The agent of node 0 once the cluster formed: it collects every follower's collective endpoint,
 * sends all of them the same {@link NodeMessage.RunPlan} (with the NCCL unique id on GPUs), waits
 * until every node has connected its side of the collective mesh, then runs the one
 * {@link RunCoordinator} (and with it the one scheduler) of the whole run over a
 * {@link ClusterBackend}. When the run ends it tells every follower the result and waits briefly
 * for their acknowledgements. A node lost before the run started ends it with that node's name.
 */
final class LeaderNode {
    private static final String PHASE = "leader-phase";
    private static final Duration ACK_WAIT = Duration.ofSeconds(5);

    private final ActorContext<NodeMessage> ctx;
    private final TimerScheduler<NodeMessage> timers;
    private final NodeSetup setup;
    private final MemberView members;
    private final RankAssignment ranks;
    private final Map<String, ActorRef<NodeMessage>> agents;
    private final Map<String, NodeMessage.NodeEndpoint> endpoints = new LinkedHashMap<>();
    private final Set<String> meshReady = new LinkedHashSet<>();
    private final Set<String> acked = new LinkedHashSet<>();
    private Collectives collectives;
    private boolean ownMeshReady;
    private boolean ownMeshPending;
    private ActorRef<CoordinatorCommand> coordinator;

    private LeaderNode(ActorContext<NodeMessage> ctx, TimerScheduler<NodeMessage> timers, NodeSetup setup,
                       MemberView members, RankAssignment ranks, Map<String, ActorRef<NodeMessage>> agents) {
        this.ctx = ctx;
        this.timers = timers;
        this.setup = setup;
        this.members = members;
        this.ranks = ranks;
        this.agents = agents;
    }

    static Behavior<NodeMessage> start(ActorContext<NodeMessage> ctx, TimerScheduler<NodeMessage> timers, NodeSetup setup,
                                       MemberView members, RankAssignment ranks, Map<String, ActorRef<NodeMessage>> agents) {
        LeaderNode l = new LeaderNode(ctx, timers, setup, members, ranks, agents);
        l.endpoints.put(setup.cluster().node(), setup.endpoint());
        timers.startSingleTimer(PHASE, new NodeMessage.PhaseTimedOut("plan"), setup.cluster().joinTimeout());
        return l.preparing();
    }

    private List<String> followers() {
        return ranks.nodes().subList(1, ranks.nodes().size());
    }

    /** Until every node's mesh is connected. */
    private Behavior<NodeMessage> preparing() {
        if (endpoints.size() == ranks.nodes().size() && collectives == null && !ownMeshPending) {
            sendPlan();
        }
        return Behaviors.receive(NodeMessage.class)
                .onMessage(NodeMessage.NodeReady.class, m -> {
                    endpoints.put(m.node(), new NodeMessage.NodeEndpoint(m.node(), m.collectiveHost(), m.collectivePort()));
                    return preparing();
                })
                .onMessage(NodeMessage.MeshConnected.class, m -> {
                    if (m.failure() != null) {
                        return fail("this node could not connect its collectives: " + m.failure().getMessage());
                    }
                    collectives = m.collectives();
                    ownMeshReady = true;
                    return maybeRun();
                })
                .onMessage(NodeMessage.MeshReady.class, m -> {
                    meshReady.add(m.node());
                    return maybeRun();
                })
                .onMessage(NodeMessage.NodeFailed.class, m -> fail("node " + m.node() + " could not take part: " + m.message()))
                .onMessage(NodeMessage.ClusterChanged.class, m -> {
                    members.apply(m.event());
                    for (String n : followers()) {
                        String why = members.lost(n);
                        if (why != null) {
                            return fail("node " + n + " " + why + " before the run started");
                        }
                    }
                    return Behaviors.same();
                })
                .onMessage(NodeMessage.StopRun.class, m -> fail(RunResult.Status.STOPPED, "stopped on request before the run started"))
                .onMessage(NodeMessage.PhaseTimedOut.class, m -> {
                    List<String> silent = new ArrayList<>();
                    for (String n : followers()) {
                        if (!meshReady.contains(n)) {
                            silent.add(n);
                        }
                    }
                    return fail("nodes " + silent + " did not get ready for the run within "
                            + setup.cluster().joinTimeout().toSeconds() + " s (baton.cluster.join-timeout-s)");
                })
                .onMessage(NodeMessage.class, m -> Behaviors.same())
                .build();
    }

    private void sendPlan() {
        List<NodeMessage.NodeEndpoint> plan = new ArrayList<>();
        for (String n : ranks.nodes()) {
            plan.add(endpoints.get(n));
        }
        // on GPUs rank 0's node makes the NCCL unique id and every node joins with it; CPUs use the TCP mesh
        byte[] ncclId = setup.transport().rendezvousId();
        NodeMessage.RunPlan p = new NodeMessage.RunPlan(new SecureRandom().nextLong(), plan, ranks.devicesPerNode(), ncclId);
        for (String n : followers()) {
            agents.get(n).tell(p);
        }
        ownMeshPending = true;
        MeshConnector.connect(ctx, setup, p);
    }

    private Behavior<NodeMessage> maybeRun() {
        if (!ownMeshReady || meshReady.size() < followers().size()) {
            return Behaviors.same();
        }
        timers.cancel(PHASE);
        ClusterBackend backend = new ClusterBackend(ranks, setup.cluster().node(), setup.cluster().deviceKind(),
                collectives, setup.transport().streams(setup.run()), agents);
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        coordinator = ctx.spawn(RunCoordinator.create(setup.run(), setup.workload(), backend, setup.listener(), result), "run");
        ctx.pipeToSelf(result, (r, t) -> new NodeMessage.RunFinished(r != null ? r
                : new RunResult(RunResult.Status.FAILED, -1, "the run coordinator failed: " + t, null)));
        return running();
    }

    private Behavior<NodeMessage> running() {
        return Behaviors.receive(NodeMessage.class)
                .onMessage(NodeMessage.StopRun.class, m -> {
                    coordinator.tell(new CoordinatorCommand.RequestStop(m.mode()));
                    return Behaviors.same();
                })
                .onMessage(NodeMessage.RunFinished.class, m -> announce(m.result(), false))
                .onMessage(NodeMessage.ClusterChanged.class, m -> {
                    members.apply(m.event());
                    return Behaviors.same();
                })
                .onMessage(NodeMessage.class, m -> Behaviors.same()) // lost nodes: their RemoteWorkers report them
                .build();
    }

    private Behavior<NodeMessage> fail(String message) {
        return fail(RunResult.Status.FAILED, message);
    }

    private Behavior<NodeMessage> fail(RunResult.Status status, String message) {
        timers.cancel(PHASE);
        if (collectives != null) {
            collectives.close();
        }
        return announce(new RunResult(status, -1, message, null), true);
    }

    /** Tells every reachable follower how the run ended, then ends once they acknowledged (or after a short wait). */
    private Behavior<NodeMessage> announce(RunResult r, boolean tellListener) {
        Set<String> waiting = new LinkedHashSet<>();
        for (String n : followers()) {
            if (members.lost(n) == null) {
                agents.get(n).tell(new NodeMessage.RunEnded(r.status(), r.nextStep(), r.message(),
                        r.lastCheckpoint() == null ? "" : r.lastCheckpoint().toString(), ctx.getSelf()));
                waiting.add(n);
            }
        }
        if (waiting.isEmpty()) {
            setup.end(r, tellListener);
            return ClusterNode.ended(setup.cluster().node());
        }
        timers.startSingleTimer(PHASE, new NodeMessage.AcksDone(), ACK_WAIT);
        return Behaviors.receive(NodeMessage.class)
                .onMessage(NodeMessage.RunEndedAck.class, m -> {
                    acked.add(m.node());
                    if (acked.containsAll(waiting)) {
                        timers.cancel(PHASE);
                        setup.end(r, tellListener);
                        return ClusterNode.ended(setup.cluster().node());
                    }
                    return Behaviors.same();
                })
                .onMessage(NodeMessage.AcksDone.class, m -> {
                    setup.end(r, tellListener);
                    return ClusterNode.ended(setup.cluster().node());
                })
                .onMessage(NodeMessage.MeshConnected.class, m -> {
                    if (m.collectives() != null) {
                        m.collectives().close();
                    }
                    return Behaviors.same();
                })
                .onMessage(NodeMessage.class, m -> Behaviors.same())
                .build();
    }
}
