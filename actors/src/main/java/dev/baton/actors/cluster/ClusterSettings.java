package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.baton.actors.collective.tcp.SharedSecret;

import java.time.Duration;
import java.util.List;

/**
 * The {@code baton.cluster} keys of one node, bound from the resolved configuration (documented
 * in the conf module's cluster.conf), with what the admission needs: the configuration
 * fingerprint and the code version. {@link #toString} never shows the secret.
 *
 * @param nodes            nodes in the run
 * @param seedNodes        Pekko addresses of the seed nodes
 * @param host             the interface this node binds and advertises
 * @param port             the Pekko (Artery) port
 * @param collectivePort   the collective transport's port, 0 = any free one
 * @param devicesPerNode   {@code baton.devices.count}
 * @param deviceKind       {@code baton.devices.kind}: "cpu" or "cuda"
 * @param joinTimeout      the longest the node waits for the cluster to form
 * @param unreachableAfter heartbeat pause after which a node counts as unreachable
 * @param downAfter        the split-brain resolver's stable-after
 */
public record ClusterSettings(int nodes, List<String> seedNodes, String host, int port, int collectivePort,
                              SharedSecret secret, int devicesPerNode, String deviceKind, Duration joinTimeout,
                              Duration unreachableAfter, Duration downAfter, ConfigFingerprint fingerprint,
                              CodeVersion codeVersion) {
    /** The actor system's name; seed-node addresses name it ("pekko://baton@host:port"). */
    public static final String SYSTEM = "baton";

    public ClusterSettings {
        seedNodes = List.copyOf(seedNodes);
        if (nodes < 1) {
            throw new IllegalArgumentException("baton.cluster.nodes must be at least 1, got " + nodes);
        }
        if (nodes > 1 && seedNodes.isEmpty()) {
            throw new IllegalArgumentException("baton.cluster.nodes = " + nodes + " needs baton.cluster.seed-nodes, e.g. "
                    + "[\"pekko://" + SYSTEM + "@" + host + ":" + port + "\"] (the address of the node started first)");
        }
        for (String s : seedNodes) {
            if (!s.startsWith("pekko://" + SYSTEM + "@")) {
                throw new IllegalArgumentException("baton.cluster.seed-nodes: '" + s + "' is not a Baton node address; "
                        + "write pekko://" + SYSTEM + "@HOST:PORT");
            }
        }
    }

    /** Binds {@code baton.cluster.*} and {@code baton.devices.count / kind} of a resolved configuration. */
    public static ClusterSettings fromConfig(Config root) {
        Config b = root.getConfig("baton");
        try {
            Config c = b.getConfig("cluster");
            return new ClusterSettings(c.getInt("nodes"), c.getStringList("seed-nodes"), c.getString("host"),
                    c.getInt("port"), c.getInt("collective-port"), SharedSecret.of(c.getString("secret")),
                    b.getInt("devices.count"), b.getString("devices.kind"), Duration.ofSeconds(c.getLong("join-timeout-s")),
                    Duration.ofMillis(c.getLong("unreachable-after-ms")), Duration.ofSeconds(c.getLong("down-after-s")),
                    ConfigFingerprint.of(root), CodeVersion.current());
        } catch (ConfigException e) {
            throw new IllegalArgumentException("configuration error: " + e.getMessage(), e);
        }
    }

    /** This node's address as other nodes name it: "host:port". */
    public String node() {
        return host + ":" + port;
    }

    /** The same settings with another code version (tests of the admission). */
    public ClusterSettings withCodeVersion(CodeVersion v) {
        return new ClusterSettings(nodes, seedNodes, host, port, collectivePort, secret, devicesPerNode, deviceKind,
                joinTimeout, unreachableAfter, downAfter, fingerprint, v);
    }

    /** The ticket this node presents when it joins. */
    public AdmissionTicket ticket() {
        return AdmissionTicket.issue(node(), codeVersion.describe(), fingerprint, secret);
    }

    @Override
    public String toString() {
        return "ClusterSettings[nodes=" + nodes + ", seedNodes=" + seedNodes + ", node=" + node() + ", collectivePort="
                + collectivePort + ", secret=" + (secret.isEmpty() ? "none" : "set") + ", devicesPerNode=" + devicesPerNode
                + ", deviceKind=" + deviceKind + "]";
    }
}
