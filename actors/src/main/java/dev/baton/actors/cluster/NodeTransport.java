package dev.baton.actors.cluster;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.cuda.NcclJoinable;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.worker.StreamFactory;

/**
 * How this node's devices carry tensors to the other nodes' once the run plan is known: CPU
 * devices over the project's TCP mesh ({@link TcpNodeTransport}), GPUs through NCCL joined with
 * the unique id the plan carries ({@link NcclRendezvous}). Pekko carries only the commands.
 */
sealed interface NodeTransport permits TcpNodeTransport, NcclRendezvous {

    /** What the leader puts into the plan for the others to join with: the NCCL unique id, empty on CPUs. */
    byte[] rendezvousId();

    /** Connects this node's ranks to every other node's as {@code plan} says; blocks until all joined. */
    Collectives connect(NodeSetup setup, NodeMessage.RunPlan plan);

    /** The streams of this node's devices, for the ranks they drive. */
    StreamFactory streams(RunSettings settings);

    /**
     * The transport for {@code baton.devices.kind}: TCP for "cpu", NCCL for "cuda" over this node's
     * opened GPUs {@code gpus} (the launcher opens them; null when it did not).
     *
     * @throws IllegalArgumentException naming what is missing, in one line
     */
    static NodeTransport choose(ClusterSettings cluster, NcclJoinable gpus) {
        return switch (cluster.deviceKind()) {
            case "cpu" -> new TcpNodeTransport();
            case "cuda" -> {
                if (gpus == null) {
                    throw new IllegalArgumentException("baton.devices.kind = cuda but no GPU was opened on node "
                            + cluster.node() + "; run it on a machine with NVIDIA GPUs or use baton.devices.kind = cpu");
                }
                if (gpus.devices() != cluster.devicesPerNode()) {
                    throw new IllegalArgumentException("baton.devices.count = " + cluster.devicesPerNode() + " but node "
                            + cluster.node() + " opened " + gpus.devices() + " GPU(s)");
                }
                yield new NcclRendezvous(gpus);
            }
            default -> throw new IllegalArgumentException("baton.devices.kind = " + cluster.deviceKind()
                    + ": a cluster trains on cpu or cuda devices");
        };
    }
}
