package dev.baton.actors.cluster;

import dev.baton.actors.collective.tcp.CollectiveServer;
import dev.baton.actors.collective.tcp.MeshLayout;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a node agent is built from and hands on from phase to phase.
 *
 * @param server  this node's collective server, open before the cluster forms (its port is announced)
 * @param transport how this node's devices reach the others' (TCP on CPUs, NCCL on GPUs)
 * @param outcome completed once with the run's result as this node saw it
 */
record NodeSetup(ClusterSettings cluster, RunSettings run, Workload workload, RunListener listener,
                 CollectiveServer server, NodeTransport transport, CompletableFuture<RunResult> outcome) {

    /** The mesh of {@code plan} as this node sees it (its own ranks local). */
    MeshLayout mesh(NodeMessage.RunPlan plan) {
        List<MeshLayout.Endpoint> ends = new ArrayList<>();
        for (NodeMessage.NodeEndpoint n : plan.nodes()) {
            for (int d = 0; d < plan.devicesPerNode(); d++) {
                ends.add(new MeshLayout.Endpoint(n.collectiveHost(), n.collectivePort(), n.node()));
            }
        }
        List<Integer> mine = new ArrayList<>();
        for (int r = 0; r < ends.size(); r++) {
            if (ends.get(r).node().equals(cluster.node())) {
                mine.add(r);
            }
        }
        return new MeshLayout(plan.runId(), ends, mine);
    }

    /** This node's entry of the plan. */
    NodeMessage.NodeEndpoint endpoint() {
        return new NodeMessage.NodeEndpoint(cluster.node(), server.host(), server.port());
    }

    /** Ends this node's part: the listener hears it (unless the run coordinator already told it) and the outcome completes. */
    void end(RunResult r, boolean tellListener) {
        if (!outcome.isDone()) {
            if (tellListener) {
                listener.finished(r);
            }
            outcome.complete(r);
        }
    }
}
