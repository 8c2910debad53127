package dev.baton.actors.cluster;

import dev.baton.actors.collective.Collectives;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.util.concurrent.CompletableFuture;

/**
 * Connects this node's side of the collectives of a run plan (the TCP mesh, or the NCCL
 * communicators) off the actor's thread (it blocks until every peer connected) and tells the agent {@link NodeMessage.MeshConnected}.
 */
final class MeshConnector {
    private MeshConnector() {
    }

    static void connect(ActorContext<NodeMessage> ctx, NodeSetup setup, NodeMessage.RunPlan plan) {
        CompletableFuture<Collectives> f = CompletableFuture.supplyAsync(() -> setup.transport().connect(setup, plan), r -> {
                    Thread t = new Thread(r, "baton-mesh-connect");
                    t.setDaemon(true);
                    t.start();
                });
        ctx.pipeToSelf(f, (c, t) -> new NodeMessage.MeshConnected(c, t == null ? null
                : t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t));
    }
}
