package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.baton.actors.collective.tcp.SharedSecret;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a node presents when it joins the cluster (and what the seed presents back): its address,
 * code version and configuration fingerprint, with an HMAC over all three keyed by the shared
 * secret. It travels in Pekko's join handshake under {@link #PATH}; the secret never does.
 *
 * @param node        the node's address, "host:port"
 * @param codeVersion {@link CodeVersion#describe()}
 * @param proof       hex HMAC over node, version and fingerprint lines
 */
public record AdmissionTicket(String node, String codeVersion, ConfigFingerprint config, String proof) {
    /** Where the ticket lives in the node's Pekko configuration (the join check's required key). */
    public static final String PATH = "baton-admission";

    public static AdmissionTicket issue(String node, String codeVersion, ConfigFingerprint config, SharedSecret secret) {
        return new AdmissionTicket(node, codeVersion, config, HexFormat.of().formatHex(mac(node, codeVersion, config, secret)));
    }

    /** True when the proof was made with {@code secret}. */
    public boolean provenWith(SharedSecret secret) {
        byte[] got;
        try {
            got = HexFormat.of().parseHex(proof);
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return SharedSecret.same(got, mac(node, codeVersion, config, secret));
    }

    private static byte[] mac(String node, String codeVersion, ConfigFingerprint config, SharedSecret secret) {
        return secret.mac("baton-join", SharedSecret.bytes(node), SharedSecret.bytes(codeVersion),
                SharedSecret.bytes(String.join("\n", config.lines())));
    }

    /** The ticket as configuration under {@link #PATH}. */
    public Config toConfig() {
        return ConfigFactory.empty().withValue(PATH, ConfigValueFactory.fromMap(Map.of(
                "node", node, "code-version", codeVersion, "proof", proof, "config", config.lines())));
    }

    /** The ticket in {@code c}, or empty when there is none or it is malformed (a stranger). */
    public static Optional<AdmissionTicket> fromConfig(Config c) {
        if (!c.hasPath(PATH)) {
            return Optional.empty();
        }
        try {
            Config t = c.getConfig(PATH);
            List<String> lines = new ArrayList<>(t.getStringList("config"));
            return Optional.of(new AdmissionTicket(t.getString("node"), t.getString("code-version"),
                    ConfigFingerprint.fromLines(lines), t.getString("proof")));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /**
     * Why {@code theirs} may not join a cluster whose member holds {@code mine}: every reason, or
     * none. A wrong secret hides the rest (a stranger learns nothing about the configuration).
     */
    public static List<String> problems(AdmissionTicket mine, Optional<AdmissionTicket> theirs, SharedSecret secret) {
        if (theirs.isEmpty()) {
            return List.of("it presented no Baton admission ticket (not a Baton node, or a different Baton version)");
        }
        AdmissionTicket t = theirs.get();
        if (!t.provenWith(secret)) {
            return List.of("it does not know the cluster secret (baton.cluster.secret differs)");
        }
        List<String> out = new ArrayList<>();
        if (!t.codeVersion.equals(mine.codeVersion)) {
            out.add("code version " + mine.codeVersion + " here, " + t.codeVersion + " on node " + t.node
                    + " (run the same Baton build on every node)");
        }
        List<String> diff = mine.config.differences(t.config, t.node);
        if (!diff.isEmpty()) {
            out.add("configuration differs: " + String.join("; ", diff));
        }
        return out;
    }
}
