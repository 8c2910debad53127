package dev.baton.actors.cluster;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.collective.tcp.TcpCollectives;
import dev.baton.actors.run.DeviceBackend;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.worker.StreamFactory;

/** CPU devices across nodes: the collectives run over the project's TCP mesh between the nodes' collective servers. */
record TcpNodeTransport() implements NodeTransport {
    @Override
    public byte[] rendezvousId() {
        return new byte[0];
    }

    @Override
    public Collectives connect(NodeSetup setup, NodeMessage.RunPlan plan) {
        return TcpCollectives.connect(setup.mesh(plan), setup.server(), setup.cluster().secret(), setup.run().waitTimeout(),
                setup.cluster().joinTimeout());
    }

    @Override
    public StreamFactory streams(RunSettings settings) {
        return DeviceBackend.cpu().streams(settings);
    }
}
