package dev.baton.actors.cluster;

import dev.baton.actors.worker.WorkerCommand;
import dev.baton.actors.worker.WorkerReply;
import dev.baton.actors.worker.WorkerSetup;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.cluster.typed.Unsubscribe;

/**
 * The leader's stand-in for a rank that lives on another node: the run coordinator spawns and
 * watches it like a local worker. It asks the rank's node to start the real worker, holds
 * commands until it has, then forwards commands to it and its replies to the coordinator, in
 * order. When the node becomes unreachable or leaves, it reports the rank failed with the node's
 * name and stops, so the run ends within the failure detector's pause; when the remote worker
 * ends, so does the stand-in.
 *
 * <p>Messages: {@link WorkerCommand} from the coordinator and scheduler, {@link WorkerReply} from
 * the remote worker, {@link HostingReply} from the node, cluster events.
 */
final class RemoteWorker {
    private final ActorContext<Object> ctx;
    private final WorkerSetup setup;
    private final String node;
    private final ActorRef<WorkerReply> coordinator;
    private final MemberView members = new MemberView();
    private boolean reported;

    private RemoteWorker(ActorContext<Object> ctx, WorkerSetup setup, String node) {
        this.ctx = ctx;
        this.setup = setup;
        this.node = node;
        this.coordinator = setup.coordinator();
    }

    /** A stand-in for {@code setup.rank()} on {@code node}, whose agent is {@code agent}. */
    static Behavior<Object> create(WorkerSetup setup, String node, ActorRef<NodeMessage> agent) {
        return Behaviors.setup(ctx -> Behaviors.withStash(10_000, stash -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
            agent.tell(new NodeMessage.HostWorker(setup.rank(), ctx.getSelf().narrow(), ctx.getSelf().narrow()));
            return new RemoteWorker(ctx, setup, node).waiting(stash);
        }));
    }

    private Behavior<Object> waiting(StashBuffer<Object> stash) {
        return Behaviors.receive(Object.class)
                .onMessage(HostingReply.WorkerHosted.class, m -> {
                    ctx.watch(m.worker());
                    return stash.unstashAll(forwarding(m.worker(), false));
                })
                .onMessage(HostingReply.HostingFailed.class, m -> report("its node " + node
                        + " could not start it: " + m.message()))
                .onMessage(WorkerCommand.Stop.class, m -> Behaviors.stopped())
                .onMessage(WorkerCommand.class, m -> {
                    stash.stash(m);
                    return Behaviors.same();
                })
                .onMessage(ClusterEvent.MemberEvent.class, this::checkNode)
                .onMessage(ClusterEvent.ReachabilityEvent.class, this::checkNode)
                .onSignal(PostStop.class, s -> unsubscribe())
                .build();
    }

    private Behavior<Object> forwarding(ActorRef<WorkerCommand> worker, boolean stopping) {
        return Behaviors.receive(Object.class)
                .onMessage(WorkerCommand.class, m -> {
                    worker.tell(m);
                    if (m instanceof WorkerCommand.Stop stop) {
                        // an abandoning stop need not wait: the remote worker aborts at once, and its
                        // node may be gone; a graceful one waits for the worker to drain and end
                        return stop.abandon() ? Behaviors.stopped() : forwarding(worker, true);
                    }
                    return Behaviors.same();
                })
                .onMessage(WorkerReply.class, m -> {
                    coordinator.tell(m);
                    if (m instanceof WorkerReply.WorkerFailed) {
                        reported = true;
                    }
                    return Behaviors.same();
                })
                .onMessage(ClusterEvent.MemberEvent.class, m -> stopping ? stopIfLost(m) : checkNode(m))
                .onMessage(ClusterEvent.ReachabilityEvent.class, m -> stopping ? stopIfLost(m) : checkNode(m))
                .onSignal(Terminated.class, s -> Behaviors.stopped())
                .onSignal(PostStop.class, s -> unsubscribe())
                .build();
    }

    /** Reports the rank failed when its node is lost. */
    private Behavior<Object> checkNode(Object event) {
        members.apply(event);
        String why = members.lost(node);
        return why == null ? Behaviors.same() : report("its node " + node + " " + why);
    }

    private Behavior<Object> stopIfLost(Object event) {
        members.apply(event);
        return members.lost(node) == null ? Behaviors.same() : Behaviors.stopped();
    }

    private Behavior<Object> report(String message) {
        if (!reported) {
            reported = true;
            coordinator.tell(new WorkerReply.WorkerFailed(setup.rank(), setup.device(), message, null));
        }
        return Behaviors.stopped();
    }

    private Behavior<Object> unsubscribe() {
        Cluster.get(ctx.getSystem()).subscriptions().tell(new Unsubscribe<>(ctx.getSelf()));
        return Behaviors.same();
    }
}
