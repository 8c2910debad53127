package dev.baton.actors.cluster;

import dev.baton.actors.run.RunResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node agent: the guardian of every cluster node's actor system. It first waits until the
 * cluster has exactly {@code baton.cluster.nodes} up members, each with a registered agent (or
 * gives up after {@code join-timeout-s}, naming who is missing); then every node sorts the
 * members into the same {@link RankAssignment}, and the first node continues as the
 * {@link LeaderNode} (coordinator and scheduler of the whole run), the others as
 * {@link FollowerNode}s that host their ranks' workers. Messages that arrive early are stashed.
 */
public final class ClusterNode {
    /** Where node agents register, so that every node finds every other. */
    static final ServiceKey<NodeMessage> AGENTS = ServiceKey.create(NodeMessage.class, "baton-node");
    static final String JOIN = "join";

    private final ActorContext<NodeMessage> ctx;
    private final TimerScheduler<NodeMessage> timers;
    private final StashBuffer<NodeMessage> stash;
    private final NodeSetup setup;
    private final Cluster cluster;
    private final Map<String, ActorRef<NodeMessage>> agents = new LinkedHashMap<>();
    private final MemberView members = new MemberView();

    private ClusterNode(ActorContext<NodeMessage> ctx, TimerScheduler<NodeMessage> timers, StashBuffer<NodeMessage> stash,
                        NodeSetup setup) {
        this.ctx = ctx;
        this.timers = timers;
        this.stash = stash;
        this.setup = setup;
        this.cluster = Cluster.get(ctx.getSystem());
    }

    static Behavior<NodeMessage> create(NodeSetup setup) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(10_000,
                stash -> new ClusterNode(ctx, timers, stash, setup).forming())));
    }

    private Behavior<NodeMessage> forming() {
        ActorRef<ClusterEvent.MemberEvent> memberEvents = ctx.messageAdapter(ClusterEvent.MemberEvent.class,
                NodeMessage.ClusterChanged::new);
        ActorRef<ClusterEvent.ReachabilityEvent> reach = ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class,
                NodeMessage.ClusterChanged::new);
        cluster.subscriptions().tell(Subscribe.create(memberEvents, ClusterEvent.MemberEvent.class));
        cluster.subscriptions().tell(Subscribe.create(reach, ClusterEvent.ReachabilityEvent.class));
        ctx.getSystem().receptionist().tell(Receptionist.register(AGENTS, ctx.getSelf()));
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(AGENTS,
                ctx.messageAdapter(Receptionist.Listing.class, NodeMessage.AgentsListed::new)));
        timers.startSingleTimer(JOIN, new NodeMessage.PhaseTimedOut(JOIN), setup.cluster().joinTimeout());
        setup.listener().notice("node " + setup.cluster().node() + ": joining the cluster through "
                + setup.cluster().seedNodes() + "; the run starts when " + setup.cluster().nodes() + " nodes are up");
        return Behaviors.receive(NodeMessage.class)
                .onMessage(NodeMessage.ClusterChanged.class, m -> {
                    this.members.apply(m.event());
                    return check();
                })
                .onMessage(NodeMessage.AgentsListed.class, m -> {
                    agents.clear();
                    for (ActorRef<NodeMessage> a : m.listing().getServiceInstances(AGENTS)) {
                        agents.put(nodeOf(a), a);
                    }
                    return check();
                })
                .onMessage(NodeMessage.PhaseTimedOut.class, m -> end(RunResult.Status.FAILED, joinTimedOut()))
                .onMessage(NodeMessage.StopRun.class, m -> end(RunResult.Status.STOPPED,
                        "stopped on request before the cluster formed"))
                .onMessage(NodeMessage.class, m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .build();
    }

    /** The agent's node: a local reference has no host in its path, so it is this node. */
    private String nodeOf(ActorRef<?> ref) {
        return ref.path().address().hasLocalScope() ? setup.cluster().node() : MemberView.node(ref.path().address());
    }

    private Behavior<NodeMessage> check() {
        List<String> up = members.up();
        String self = setup.cluster().node();
        int nodes = setup.cluster().nodes();
        if (!up.contains(self) || up.size() < nodes || !agents.keySet().containsAll(up)) {
            return Behaviors.same();
        }
        if (up.size() > nodes) {
            return end(RunResult.Status.FAILED, "the cluster has " + up.size() + " nodes up but baton.cluster.nodes = "
                    + nodes + ": " + up + "; stop the extra nodes or set baton.cluster.nodes on every node");
        }
        timers.cancel(JOIN);
        RankAssignment ranks = RankAssignment.of(up, setup.cluster().devicesPerNode());
        setup.listener().notice("node " + self + ": the cluster is up: nodes " + ranks.nodes() + " (world "
                + ranks.world() + "); this node drives ranks " + ranks.ranksOf(self) + "; the leader is " + ranks.leader());
        Map<String, ActorRef<NodeMessage>> byNode = new LinkedHashMap<>();
        for (String n : ranks.nodes()) {
            byNode.put(n, agents.get(n));
        }
        Behavior<NodeMessage> next = ranks.leader().equals(self)
                ? LeaderNode.start(ctx, timers, setup, members, ranks, byNode)
                : FollowerNode.start(ctx, timers, setup, members, ranks, byNode.get(ranks.leader()));
        return stash.unstashAll(next);
    }

    private String joinTimedOut() {
        List<String> up = members.up();
        List<String> missingSeeds = new ArrayList<>();
        for (String s : setup.cluster().seedNodes()) {
            if (!up.contains(MemberView.nodeOfSeed(s))) {
                missingSeeds.add(s);
            }
        }
        int nodes = setup.cluster().nodes();
        return "the cluster did not form within " + setup.cluster().joinTimeout().toSeconds() + " s: " + up.size()
                + " of " + nodes + " nodes up " + up + (up.size() < nodes ? ", " + (nodes - up.size()) + " missing" : "")
                + (missingSeeds.isEmpty() ? "" : "; seed nodes not up: " + missingSeeds)
                + "; start the missing nodes with the same configuration and baton.cluster.secret, and check "
                + "baton.cluster.seed-nodes and host (a node refused for its secret or configuration says so in its log)";
    }

    private Behavior<NodeMessage> end(RunResult.Status status, String message) {
        timers.cancel(JOIN);
        setup.end(new RunResult(status, -1, message, null), true);
        return ClusterNode.ended(setup.cluster().node());
    }

    /** The last state of every agent: the outcome is known; the launcher ends the actor system. */
    static Behavior<NodeMessage> ended(String node) {
        return Behaviors.receive(NodeMessage.class)
                .onMessage(NodeMessage.RunEnded.class, m -> {
                    m.ackTo().tell(new NodeMessage.RunEndedAck(node));
                    return Behaviors.same();
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
