package dev.baton.launcher.options;

import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.conf.ResolvedConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code --profile} and {@code --set} options (mixin), and the loading of the configuration
 * they describe together with {@code -Dbaton.x=y} system properties and an optional file.
 */
public final class ProfileOptions {
    @Option(names = "--profile", paramLabel = "NAME",
            description = "Named profile to start from (default: tiny-cpu; `baton info` lists them).")
    String profile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one key, e.g. --set baton.run.seed=7. Repeatable; wins over profile, file and -D.")
    List<String> sets = new ArrayList<>();

    /** True when the user named a profile or an override. */
    public boolean given() {
        return profile != null || !sets.isEmpty();
    }

    /** Layers reference, profile, {@code configFile} (may be null), -D properties and --set. */
    public ResolvedConfig load(Path configFile) {
        return load(configFile, null);
    }

    /** As {@link #load(Path)}, with {@code fallbackProfile} when the user named none (a command's own default). */
    public ResolvedConfig load(Path configFile, String fallbackProfile) {
        String name = profile != null ? profile : fallbackProfile;
        return ConfigLoader.fromClasspath()
                .load(new ConfigRequest(name, configFile, batonSystemProperties(), sets));
    }

    private static Map<String, String> batonSystemProperties() {
        Map<String, String> properties = new TreeMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("baton.")) {
                properties.put(name, System.getProperty(name));
            }
        }
        return properties;
    }
}
