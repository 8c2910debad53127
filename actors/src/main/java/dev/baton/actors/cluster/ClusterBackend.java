package dev.baton.actors.cluster;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.run.DeviceBackend;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.worker.StreamFactory;
import dev.baton.actors.worker.WorkerCommand;
import dev.baton.actors.worker.WorkerSetup;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.util.Map;

/**
 * The leader's device backend for a cluster run: devices named with their node
 * ("cpu:2@10.0.0.2:7355", "cuda:0@..."), this node's device streams, this node's side of the cross-JVM collectives, and
 * workers started where their rank lives: this node's ranks here, the others' on their node
 * behind a {@link RemoteWorker}.
 */
final class ClusterBackend implements DeviceBackend {
    private final RankAssignment ranks;
    private final String self;
    private final String kind;
    private final Collectives collectives;
    private final Map<String, ActorRef<NodeMessage>> agents;
    private final StreamFactory streams;

    ClusterBackend(RankAssignment ranks, String self, String kind, Collectives collectives,
                   StreamFactory streams, Map<String, ActorRef<NodeMessage>> agents) {
        this.streams = streams;
        this.ranks = ranks;
        this.self = self;
        this.kind = kind;
        this.collectives = collectives;
        this.agents = Map.copyOf(agents);
    }

    /** "cpu:2@127.0.0.1:7402": the device kind, the global rank and the node that drives it. */
    static String deviceName(String kind, int rank, String node) {
        return kind + ":" + rank + "@" + node;
    }

    @Override
    public String deviceName(int rank) {
        return deviceName(kind, rank, ranks.nodeOf(rank));
    }

    @Override
    public StreamFactory streams(RunSettings settings) {
        return streams;
    }

    /** This node's collectives, connected before the run started; the coordinator closes them at the end. */
    @Override
    public Collectives collectives(RunSettings settings) {
        return collectives;
    }

    @Override
    public ActorRef<WorkerCommand> startWorker(ActorContext<?> ctx, WorkerSetup setup) {
        String node = ranks.nodeOf(setup.rank());
        if (node.equals(self)) {
            return DeviceBackend.super.startWorker(ctx, setup);
        }
        ActorRef<Object> proxy = ctx.spawn(RemoteWorker.create(setup, node, agents.get(node)), "remote-worker-" + setup.rank());
        return proxy.narrow();
    }
}
