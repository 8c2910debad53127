package dev.baton.actors.cluster;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.cuda.NcclJoinable;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.worker.StreamFactory;

/**
 * The NCCL side of a cluster run on GPUs: the leader (the node of rank 0) creates the unique id,
 * the {@link NodeMessage.RunPlan} carries it to every node, and each node joins the communicator
 * with it at its own block of global ranks (one communicator per local GPU), after which NCCL
 * carries the tensors and Pekko only the commands. The GPUs (and NCCL, whose bootstrap listener
 * for the id lives in the leader's process) belong to the launcher, which closes them after the run.
 */
record NcclRendezvous(NcclJoinable gpus) implements NodeTransport {
    @Override
    public byte[] rendezvousId() {
        return gpus.createId();
    }

    @Override
    public Collectives connect(NodeSetup setup, NodeMessage.RunPlan plan) {
        byte[] id = plan.ncclUniqueId();
        if (id.length == 0) {
            throw new IllegalStateException("the run plan carries no NCCL unique id: the leader does not train on "
                    + "cuda devices (every node needs the same baton.devices.kind)");
        }
        int node = -1;
        for (int i = 0; i < plan.nodes().size(); i++) {
            if (plan.nodes().get(i).node().equals(setup.cluster().node())) {
                node = i;
            }
        }
        if (node < 0) {
            throw new IllegalStateException("node " + setup.cluster().node() + " is not in the run plan");
        }
        int world = plan.nodes().size() * plan.devicesPerNode();
        return gpus.join(id, world, node * plan.devicesPerNode());
    }

    @Override
    public StreamFactory streams(RunSettings settings) {
        return gpus.streams(settings);
    }
}
