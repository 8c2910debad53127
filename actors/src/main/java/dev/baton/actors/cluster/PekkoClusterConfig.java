package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import java.util.Map;

/**
 * The Pekko configuration of one cluster node: Artery TCP bound to the configured interface and
 * port only, the seed nodes, the failure detector and the split-brain resolver's timing, Baton's
 * serializer and admission check (dev/baton/actors/cluster/pekko-cluster.conf), the admission
 * ticket and the key of the secret; then the actor runtime's own settings (pekko.conf) and Pekko's
 * defaults.
 */
public final class PekkoClusterConfig {
    private PekkoClusterConfig() {
    }

    public static Config of(ClusterSettings s) {
        long pauseMs = s.unreachableAfter().toMillis();
        Config node = ConfigFactory.parseMap(Map.of(
                "pekko.remote.artery.canonical.hostname", s.host(),
                "pekko.remote.artery.canonical.port", s.port(),
                "pekko.remote.artery.bind.hostname", s.host(),
                "pekko.remote.artery.bind.port", s.port(),
                "pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(s.seedNodes()),
                "pekko.cluster.failure-detector.acceptable-heartbeat-pause", pauseMs + " ms",
                "pekko.cluster.failure-detector.heartbeat-interval", Math.max(100, Math.min(1000, pauseMs / 3)) + " ms",
                "pekko.cluster.split-brain-resolver.stable-after", s.downAfter().toMillis() + " ms",
                AdmissionCheck.KEY_PATH, s.secret().keyHex(),
                AdmissionCheck.EMPTY_PATH, s.secret().isEmpty()));
        return node.withFallback(s.ticket().toConfig())
                .withFallback(ConfigFactory.parseResources("dev/baton/actors/cluster/pekko-cluster.conf"))
                .withFallback(ConfigFactory.parseResources("dev/baton/actors/pekko.conf"))
                .withFallback(ConfigFactory.load())
                .resolve();
    }
}
