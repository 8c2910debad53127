package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The part of a node's resolved Baton configuration that every node of a run must share: every
 * leaf of the {@code baton} tree except the node-local keys ({@link #NODE_LOCAL}: addresses,
 * ports, the secret, device ordinals and threads, local folders and data files). Two fingerprints
 * list their differences key by key, which is what a refused node is told.
 */
public final class ConfigFingerprint {
    /** Keys (under {@code baton.}) that may differ between nodes. */
    public static final List<String> NODE_LOCAL = List.of("cluster.host", "cluster.port", "cluster.collective-port",
            "cluster.seed-nodes", "cluster.secret", "cluster.join-timeout-s", "devices.cuda-ordinals",
            "devices.cpu-threads", "run.work-dir", "run.log-dir", "trace.output", "data.train-files", "data.val-files",
            "data.prepared-dir");

    private final SortedMap<String, String> entries;

    private ConfigFingerprint(SortedMap<String, String> entries) {
        this.entries = entries;
    }

    /** The fingerprint of a resolved configuration with a {@code baton} tree. */
    public static ConfigFingerprint of(Config root) {
        SortedMap<String, String> m = new TreeMap<>();
        Set<String> local = new LinkedHashSet<>();
        NODE_LOCAL.forEach(k -> local.add("baton." + k));
        for (Map.Entry<String, ConfigValue> e : root.getConfig("baton").atKey("baton").entrySet()) {
            if (!local.contains(e.getKey())) {
                m.put(e.getKey(), e.getValue().render(ConfigRenderOptions.concise()));
            }
        }
        return new ConfigFingerprint(m);
    }

    /** Reads the lines of {@link #lines()} back. */
    public static ConfigFingerprint fromLines(List<String> lines) {
        SortedMap<String, String> m = new TreeMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a fingerprint line: " + line);
            }
            m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return new ConfigFingerprint(m);
    }

    /** "key=value" per key, sorted: the canonical form that travels and that proofs cover. */
    public List<String> lines() {
        List<String> out = new ArrayList<>(entries.size());
        entries.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /**
     * One line per key whose value differs, e.g. {@code baton.optim.adam.lr = 0.008 here, 0.01 on
     * node 127.0.0.1:7402}; empty when the configurations agree.
     */
    public List<String> differences(ConfigFingerprint theirs, String theirNode) {
        List<String> out = new ArrayList<>();
        Set<String> keys = new java.util.TreeSet<>(entries.keySet());
        keys.addAll(theirs.entries.keySet());
        for (String k : keys) {
            String a = entries.get(k);
            String b = theirs.entries.get(k);
            if (a == null || b == null || !a.equals(b)) {
                out.add(k + " = " + (a == null ? "(absent)" : a) + " here, " + (b == null ? "(absent)" : b)
                        + " on node " + theirNode);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigFingerprint f && f.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "ConfigFingerprint(" + entries.size() + " keys)";
    }
}
