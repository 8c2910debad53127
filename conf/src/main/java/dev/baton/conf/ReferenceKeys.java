package dev.baton.conf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every valid key path of the resolved {@code baton} reference tree (objects and leaves), with
 * the check that rejects unknown keys and suggests the nearest valid one.
 */
final class ReferenceKeys {
    static final String ROOT = "baton";

    private final Map<String, ConfigValue> byPath = new LinkedHashMap<>();

    ReferenceKeys(Config resolvedReference) {
        collect(List.of(ROOT), resolvedReference.root().toConfig().getObject(ROOT));
    }

    private void collect(List<String> path, ConfigValue value) {
        byPath.put(ConfigUtil.joinPath(path), value);
        if (value instanceof ConfigObject object) {
            for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
                List<String> child = new ArrayList<>(path);
                child.add(entry.getKey());
                collect(child, entry.getValue());
            }
        }
    }

    /** The reference value at a path, or null when the path is not a key. */
    ConfigValue valueAt(String path) {
        return byPath.get(path);
    }

    /** All key paths, objects included. */
    List<String> paths() {
        return Collections.unmodifiableList(new ArrayList<>(byPath.keySet()));
    }

    /** Throws if the path is not a key, naming the source and the nearest valid key. */
    void requireKnown(String path, String source) {
        if (!byPath.containsKey(path)) {
            throw unknown(path, source);
        }
    }

    /**
     * Checks every key of a resolved configuration against the reference; descends only where
     * both sides are objects (a leaf where the reference has an object is left to
     * {@link TypeCheck}). The value's origin names the source of an unknown key.
     */
    void requireKnown(Config resolved) {
        for (Map.Entry<String, ConfigValue> entry : resolved.root().entrySet()) {
            walk(List.of(entry.getKey()), entry.getValue());
        }
    }

    private void walk(List<String> path, ConfigValue value) {
        String joined = ConfigUtil.joinPath(path);
        ConfigValue reference = byPath.get(joined);
        if (reference == null) {
            if (!path.get(0).equals(ROOT) && value instanceof ConfigObject object && !object.isEmpty()) {
                // outside the baton tree: name a whole key the user wrote, e.g. pekko.loglevel
                Map.Entry<String, ConfigValue> first = object.entrySet().iterator().next();
                List<String> child = new ArrayList<>(path);
                child.add(first.getKey());
                walk(child, first.getValue());
            }
            throw unknown(joined, Origins.describe(value.origin()));
        }
        if (reference instanceof ConfigObject && value instanceof ConfigObject object) {
            for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
                List<String> child = new ArrayList<>(path);
                child.add(entry.getKey());
                walk(child, entry.getValue());
            }
        }
    }

    private BatonConfigException unknown(String path, String source) {
        String prefix = path.equals(ROOT) || path.startsWith(ROOT + ".") ? "" : " (Baton reads only keys under '" + ROOT + ".')";
        return new BatonConfigException("unknown key '" + path + "' in " + source + prefix
                + "; did you mean '" + nearest(path) + "'?");
    }

    /**
     * The valid key nearest to a wrong one: the smaller of the edit distance between full paths
     * and, to catch a right name under a wrong parent, 2 + the edit distance between last
     * segments. A path missing the {@code baton.} prefix is compared as if it had it.
     */
    String nearest(String path) {
        String probe = path.startsWith(ROOT + ".") ? path : ROOT + "." + path;
        String probeLeaf = lastSegment(probe);
        String best = ROOT;
        int bestScore = Integer.MAX_VALUE;
        int bestFull = Integer.MAX_VALUE;
        for (String candidate : byPath.keySet()) {
            int full = editDistance(probe, candidate);
            int moved = 2 + editDistance(probeLeaf, lastSegment(candidate));
            int score = Math.min(full, moved);
            if (score < bestScore || (score == bestScore && full < bestFull)) {
                best = candidate;
                bestScore = score;
                bestFull = full;
            }
        }
        return best;
    }

    private static String lastSegment(String path) {
        List<String> segments = ConfigUtil.splitPath(path);
        return segments.get(segments.size() - 1);
    }

    /** Levenshtein distance (insert, delete, substitute: cost 1 each). */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
