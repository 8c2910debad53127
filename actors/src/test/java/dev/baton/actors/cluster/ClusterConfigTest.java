package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cluster keys reach Pekko as intended, and ranks follow the sorted member list. */
class ClusterConfigTest {
    private static ClusterSettings node(String... sets) {
        Config root = ConfigLoader.fromClasspath().load(ConfigRequest.profile("cluster").withSets(sets)).config();
        return ClusterSettings.fromConfig(root);
    }

    @Test
    void pekkoBindsTheConfiguredInterfaceOnlyWithKryoSplitBrainAndTheAdmissionCheck() {
        ClusterSettings s = node("baton.cluster.host=10.1.2.3", "baton.cluster.port=7411", "baton.cluster.unreachable-after-ms=4500",
                "baton.cluster.down-after-s=9", "baton.cluster.seed-nodes=[\"pekko://baton@10.1.2.3:7411\", \"pekko://baton@10.1.2.4:7411\"]");
        Config p = PekkoClusterConfig.of(s);
        assertEquals("cluster", p.getString("pekko.actor.provider"));
        assertEquals("tcp", p.getString("pekko.remote.artery.transport"));
        for (String side : List.of("canonical", "bind")) {
            assertEquals("10.1.2.3", p.getString("pekko.remote.artery." + side + ".hostname"), side);
            assertEquals(7411, p.getInt("pekko.remote.artery." + side + ".port"), side);
        }
        assertEquals(List.of("pekko://baton@10.1.2.3:7411", "pekko://baton@10.1.2.4:7411"), p.getStringList("pekko.cluster.seed-nodes"));
        assertEquals("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider", p.getString("pekko.cluster.downing-provider-class"));
        assertEquals("keep-majority", p.getString("pekko.cluster.split-brain-resolver.active-strategy"));
        assertEquals(Duration.ofSeconds(9), p.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
        assertEquals(Duration.ofMillis(4500), p.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause"));
        assertFalse(p.getBoolean("pekko.actor.allow-java-serialization"));
        assertEquals("dev.baton.actors.serialization.KryoSerializer", p.getString("pekko.actor.serializers.baton-kryo"));
        for (String bound : List.of("dev.baton.actors.worker.WorkerCommand", "dev.baton.actors.worker.WorkerReply",
                "dev.baton.actors.serialization.ClusterMessage")) {
            assertEquals("baton-kryo", p.getObject("pekko.actor.serialization-bindings").get(bound).unwrapped(), bound);
        }
        assertEquals("dev.baton.actors.cluster.AdmissionCheck",
                p.getString("pekko.cluster.configuration-compatibility-check.checkers.baton-admission"));
        assertTrue(p.getBoolean("pekko.cluster.configuration-compatibility-check.enforce-on-join"));
        assertEquals("PinnedDispatcher", p.getString("baton-worker-dispatcher.type"), "the runtime's own settings remain");
    }

    @Test
    void ranksFollowTheMembersSortedByHostThenNumericPort() {
        RankAssignment r = RankAssignment.of(List.of("10.0.0.2:7355", "10.0.0.1:7400", "10.0.0.1:900"), 2);
        assertEquals(List.of("10.0.0.1:900", "10.0.0.1:7400", "10.0.0.2:7355"), r.nodes());
        assertEquals(6, r.world());
        assertEquals("10.0.0.1:900", r.leader());
        assertEquals(List.of(2, 3), r.ranksOf("10.0.0.1:7400"));
        assertEquals("10.0.0.2:7355", r.nodeOf(5));
        assertEquals(r, RankAssignment.of(List.of("10.0.0.1:900", "10.0.0.2:7355", "10.0.0.1:7400"), 2), "any member order");
    }

    @Test
    void aClusterNeedsSeedNodesWithBatonAddresses() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> node("baton.cluster.seed-nodes=[]"));
        assertEquals("baton.cluster.nodes = 2 needs baton.cluster.seed-nodes, e.g. [\"pekko://baton@127.0.0.1:7355\"] "
                + "(the address of the node started first)", none.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> node("baton.cluster.seed-nodes=[\"akka://other@1.2.3.4:1\"]"));
        assertTrue(bad.getMessage().contains("is not a Baton node address; write pekko://baton@HOST:PORT"), bad.getMessage());
        ClusterSettings s = node();
        assertEquals(2, s.nodes());
        assertEquals("127.0.0.1:7355", s.node());
        assertEquals(Duration.ofSeconds(120), s.joinTimeout());
    }
}
