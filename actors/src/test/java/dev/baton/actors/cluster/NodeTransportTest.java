package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.baton.actors.collective.Collectives;
import dev.baton.actors.collective.Communicator;
import dev.baton.actors.cuda.NcclJoinable;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.worker.StreamFactory;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster picks the TCP mesh for CPU devices and NCCL-by-unique-id for GPUs; the leader's id
 * travels in the run plan (through the Kryo serializer) and every node joins with it at its own
 * global ranks. A stand-in for the GPUs records the joins, so no GPU is needed.
 */
class NodeTransportTest {
    private static ClusterSettings node(String host, String... sets) {
        List<String> all = new ArrayList<>(List.of(sets));
        all.add("baton.cluster.host=" + host);
        all.add("baton.cluster.port=7411");
        all.add("baton.cluster.seed-nodes=[\"pekko://baton@10.0.0.1:7411\"]");
        Config root = ConfigLoader.fromClasspath().load(ConfigRequest.profile("cluster").withSets(all.toArray(String[]::new)))
                .config();
        return ClusterSettings.fromConfig(root);
    }

    /** GPUs that make a fixed id and record how they were asked to join. */
    private static final class RecordingGpus implements NcclJoinable {
        final int devices;
        final byte[] id;
        final List<String> joins = new ArrayList<>();
        byte[] joinedWith;

        RecordingGpus(int devices, int seed) {
            this.devices = devices;
            this.id = new byte[128];
            for (int i = 0; i < id.length; i++) {
                id[i] = (byte) (seed * 31 + i * 7);
            }
        }

        @Override
        public int devices() {
            return devices;
        }

        @Override
        public byte[] createId() {
            return id.clone();
        }

        @Override
        public Collectives join(byte[] with, int world, int firstRank) {
            joinedWith = with.clone();
            joins.add("world " + world + " ranks " + firstRank + ".." + (firstRank + devices - 1));
            return new Collectives() {
                @Override
                public int world() {
                    return world;
                }

                @Override
                public Communicator communicator(int rank) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void abort(Throwable cause) {
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public StreamFactory streams(RunSettings settings) {
            throw new UnsupportedOperationException();
        }
    }

    private static NodeSetup setup(ClusterSettings cluster, NodeTransport transport) {
        return new NodeSetup(cluster, null, null, null, null, transport, null);
    }

    private static NodeMessage.RunPlan plan(byte[] id) {
        return new NodeMessage.RunPlan(42L, List.of(new NodeMessage.NodeEndpoint("10.0.0.1:7411", "10.0.0.1", 40000),
                new NodeMessage.NodeEndpoint("10.0.0.2:7411", "10.0.0.2", 40000),
                new NodeMessage.NodeEndpoint("10.0.0.3:7411", "10.0.0.3", 40000)), 2, id);
    }

    @Test
    void cpuDevicesUseTheTcpMeshAndPutNoIdIntoThePlan() {
        NodeTransport t = NodeTransport.choose(node("10.0.0.1", "baton.devices.kind=cpu", "baton.devices.count=2"), null);
        assertInstanceOf(TcpNodeTransport.class, t);
        assertEquals(0, t.rendezvousId().length);
    }

    @Test
    void cudaDevicesJoinNcclWithTheLeadersIdCarriedByTheRunPlan() {
        String[] gpu = {"baton.devices.kind=cuda", "baton.devices.count=2"};
        RecordingGpus leaderGpus = new RecordingGpus(2, 1);
        RecordingGpus followerGpus = new RecordingGpus(2, 2);
        NodeTransport leader = NodeTransport.choose(node("10.0.0.1", gpu), leaderGpus);
        ClusterSettings third = node("10.0.0.3", gpu);
        NodeTransport follower = NodeTransport.choose(third, followerGpus);
        assertInstanceOf(NcclRendezvous.class, leader);
        assertInstanceOf(NcclRendezvous.class, follower);

        byte[] id = leader.rendezvousId();
        assertArrayEquals(leaderGpus.id, id);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "plan-test", ConfigFactory.parseString(
                "pekko.actor.provider = local").withFallback(ConfigFactory.parseResources(
                "dev/baton/actors/cluster/pekko-cluster.conf")).withFallback(ConfigFactory.load()));
        NodeMessage.RunPlan arrived;
        try {
            Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
            NodeMessage.RunPlan sent = plan(id);
            Serializer s = serialization.findSerializerFor(sent);
            arrived = (NodeMessage.RunPlan) s.fromBinary(s.toBinary(sent));
        } finally {
            system.terminate();
        }
        follower.connect(setup(third, follower), arrived);
        // the third node of three, two GPUs each: global ranks 4 and 5 of 6, joined with the leader's id
        assertEquals(List.of("world 6 ranks 4..5"), followerGpus.joins);
        assertArrayEquals(leaderGpus.id, followerGpus.joinedWith);
        assertFalse(Arrays.equals(followerGpus.id, followerGpus.joinedWith), "a follower never uses an id of its own");
    }

    @Test
    void aPlanWithoutAnIdIsRefusedByAGpuNode() {
        ClusterSettings second = node("10.0.0.2", "baton.devices.kind=cuda", "baton.devices.count=2");
        NodeTransport t = NodeTransport.choose(second, new RecordingGpus(2, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.connect(setup(second, t), plan(new byte[0])));
        assertTrue(e.getMessage().contains("no NCCL unique id") && e.getMessage().contains("baton.devices.kind"), e.getMessage());
    }

    @Test
    void cudaWithoutGpusOrWithAnotherCountIsRefusedInOneLine() {
        ClusterSettings s = node("10.0.0.2", "baton.devices.kind=cuda", "baton.devices.count=2");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> NodeTransport.choose(s, null));
        assertEquals("baton.devices.kind = cuda but no GPU was opened on node 10.0.0.2:7411; run it on a machine with "
                + "NVIDIA GPUs or use baton.devices.kind = cpu", none.getMessage());
        IllegalArgumentException fewer = assertThrows(IllegalArgumentException.class,
                () -> NodeTransport.choose(s, new RecordingGpus(1, 4)));
        assertEquals("baton.devices.count = 2 but node 10.0.0.2:7411 opened 1 GPU(s)", fewer.getMessage());
    }
}
