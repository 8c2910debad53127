package dev.baton.conf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What to layer on top of {@code reference.conf}, lowest first: a profile, a user file, system
 * properties ({@code -Dbaton.x=y}) and {@code --set baton.x=y} assignments (later ones win).
 *
 * @param profile          profile name, or {@code null} for the default profile of the index
 * @param configFile       a HOCON file given with {@code --config}, or {@code null}
 * @param systemProperties JVM system properties; only keys under {@code baton.} are read
 * @param sets             {@code key=value} assignments in command-line order
 */
public record ConfigRequest(String profile, Path configFile, Map<String, String> systemProperties,
                            List<String> sets) {
    public ConfigRequest {
        // sorted so that the layering never depends on hash order
        systemProperties = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(systemProperties)));
        sets = List.copyOf(sets);
    }

    /** The given profile (null = default) with no file, no system properties and no overrides. */
    public static ConfigRequest profile(String profile) {
        return new ConfigRequest(profile, null, Map.of(), List.of());
    }

    /** This request with {@code --set} assignments appended. */
    public ConfigRequest withSets(String... assignments) {
        List<String> all = new ArrayList<>(sets);
        all.addAll(List.of(assignments));
        return new ConfigRequest(profile, configFile, systemProperties, all);
    }

    /** This request with a user file. */
    public ConfigRequest withFile(Path file) {
        return new ConfigRequest(profile, file, systemProperties, sets);
    }

    /** This request with system properties (only those under {@code baton.} are read). */
    public ConfigRequest withSystemProperties(Map<String, String> properties) {
        return new ConfigRequest(profile, configFile, properties, sets);
    }
}
