package dev.baton.actors.cluster;

import dev.baton.actors.collective.CollectiveFailure;
import dev.baton.actors.collective.Collectives;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.trace.ScheduleRecorder;
import dev.baton.actors.worker.DeviceWorker;
import dev.baton.actors.worker.WorkerCommand;
import dev.baton.actors.worker.WorkerSetup;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent of every node but the leader once the cluster formed: it announces its collective
 * endpoint, connects its side of the mesh from the leader's plan, and hosts the workers of its
 * ranks when the leader's proxies ask (they answer the proxies directly). It ends with the result
 * the leader announces; if the leader itself is lost it stops its workers, releases the
 * collectives and ends with a message naming the leader.
 */
final class FollowerNode {
    private static final String PHASE = "follower-phase";

    private final ActorContext<NodeMessage> ctx;
    private final TimerScheduler<NodeMessage> timers;
    private final NodeSetup setup;
    private final MemberView members;
    private final RankAssignment ranks;
    private final ActorRef<NodeMessage> leader;
    private final Map<ActorRef<Void>, ActorRef<WorkerCommand>> hosted = new LinkedHashMap<>();
    private Collectives collectives;
    private ShardPlan plan;

    private FollowerNode(ActorContext<NodeMessage> ctx, TimerScheduler<NodeMessage> timers, NodeSetup setup,
                         MemberView members, RankAssignment ranks, ActorRef<NodeMessage> leader) {
        this.ctx = ctx;
        this.timers = timers;
        this.setup = setup;
        this.members = members;
        this.ranks = ranks;
        this.leader = leader;
    }

    static Behavior<NodeMessage> start(ActorContext<NodeMessage> ctx, TimerScheduler<NodeMessage> timers, NodeSetup setup,
                                       MemberView members, RankAssignment ranks, ActorRef<NodeMessage> leader) {
        NodeMessage.NodeEndpoint me = setup.endpoint();
        leader.tell(new NodeMessage.NodeReady(me.node(), me.collectiveHost(), me.collectivePort(), ctx.getSelf()));
        timers.startSingleTimer(PHASE, new NodeMessage.PhaseTimedOut("plan"), setup.cluster().joinTimeout().multipliedBy(2));
        return new FollowerNode(ctx, timers, setup, members, ranks, leader).serving();
    }

    private Behavior<NodeMessage> serving() {
        return Behaviors.receive(NodeMessage.class)
                .onMessage(NodeMessage.RunPlan.class, m -> {
                    MeshConnector.connect(ctx, setup, m);
                    return Behaviors.same();
                })
                .onMessage(NodeMessage.MeshConnected.class, m -> {
                    if (m.failure() != null) {
                        leader.tell(new NodeMessage.NodeFailed(setup.cluster().node(),
                                "could not connect its collectives: " + m.failure().getMessage()));
                    } else {
                        collectives = m.collectives();
                        timers.cancel(PHASE);
                        leader.tell(new NodeMessage.MeshReady(setup.cluster().node()));
                    }
                    return Behaviors.same();
                })
                .onMessage(NodeMessage.HostWorker.class, this::host)
                .onMessage(NodeMessage.StopRun.class, m -> {
                    leader.tell(m); // the leader's coordinator stops the run on every node
                    return Behaviors.same();
                })
                .onMessage(NodeMessage.RunEnded.class, m -> {
                    m.ackTo().tell(new NodeMessage.RunEndedAck(setup.cluster().node()));
                    release(new CollectiveFailure("the run ended"));
                    return end(new RunResult(m.status(), m.nextStep(), m.message(),
                            m.lastCheckpoint().isEmpty() ? null : Path.of(m.lastCheckpoint())));
                })
                .onMessage(NodeMessage.ClusterChanged.class, m -> {
                    members.apply(m.event());
                    String why = members.lost(ranks.leader());
                    if (why == null) {
                        return Behaviors.same();
                    }
                    String message = "the leader node " + ranks.leader() + " " + why + "; the run stopped on this node"
                            + " (resume from the last checkpoint with baton.run.resume = true)";
                    for (ActorRef<WorkerCommand> w : hosted.values()) {
                        w.tell(new WorkerCommand.Stop(true));
                    }
                    release(new CollectiveFailure(message));
                    return end(new RunResult(RunResult.Status.FAILED, -1, message, null));
                })
                .onMessage(NodeMessage.PhaseTimedOut.class, m -> end(new RunResult(RunResult.Status.FAILED, -1,
                        "the leader " + ranks.leader() + " did not start the run within "
                                + setup.cluster().joinTimeout().multipliedBy(2).toSeconds() + " s", null)))
                .onMessage(NodeMessage.class, m -> Behaviors.same())
                .onSignal(Terminated.class, s -> {
                    // peers waiting on a stopped worker are released by the coordinator's abort, which
                    // closes the leader's connections and so, in a cascade, every node's; or by RunEnded
                    hosted.remove(s.getRef());
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<NodeMessage> host(NodeMessage.HostWorker m) {
        int rank = m.rank();
        String device = ClusterBackend.deviceName(setup.cluster().deviceKind(), rank, setup.cluster().node());
        try {
            if (collectives == null || !ranks.ranksOf(setup.cluster().node()).contains(rank)) {
                throw new IllegalStateException("rank " + rank + " is not driven by this node (ranks "
                        + ranks.ranksOf(setup.cluster().node()) + ")");
            }
            if (plan == null) {
                int world = ranks.world();
                plan = ShardPlan.of(setup.workload().work().layouts(world), world);
            }
            WorkerSetup ws = new WorkerSetup(rank, device, plan, setup.workload().work(), collectives.communicator(rank),
                    setup.transport().streams(setup.run()), ScheduleRecorder.off(),
                    setup.workload().table().tie().orElse(null), setup.workload().weights(), setup.run().waitTimeout(),
                    m.replyTo());
            ActorRef<WorkerCommand> w = ctx.spawn(DeviceWorker.create(ws), "worker-" + rank,
                    DispatcherSelector.fromConfig("baton-worker-dispatcher"));
            ctx.watch(w);
            hosted.put(w.unsafeUpcast(), w);
            m.hostedTo().tell(new HostingReply.WorkerHosted(rank, w));
        } catch (RuntimeException e) {
            m.hostedTo().tell(new HostingReply.HostingFailed(rank, e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        return Behaviors.same();
    }

    private void release(Throwable cause) {
        if (collectives != null) {
            collectives.abort(cause);
        }
    }

    private Behavior<NodeMessage> end(RunResult r) {
        timers.cancel(PHASE);
        if (collectives != null) {
            collectives.close();
        }
        setup.end(r, true);
        return ClusterNode.ended(setup.cluster().node());
    }
}
