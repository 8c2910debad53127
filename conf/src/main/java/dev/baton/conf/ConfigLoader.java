package dev.baton.conf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the configuration of one invocation: {@code reference.conf} &lt;- profile &lt;-
 * {@code --config} file &lt;- {@code -Dbaton.x=y} &lt;- {@code --set baton.x=y}, then resolves
 * substitutions and validates every key and type against the reference.
 *
 * <p>Every user mistake ends in a {@link BatonConfigException} with a one-line message; a broken
 * reference or profile inside the jar is a packaging fault and throws {@link IllegalStateException}.
 */
public final class ConfigLoader {
    private static final String SYSTEM_PROPERTY_PREFIX = ReferenceKeys.ROOT + ".";

    private final Config reference;
    private final Config resolvedReference;
    private final ReferenceKeys keys;
    private final ProfileCatalog profiles;

    /** A loader over the resources visible to {@code classLoader}. */
    public ConfigLoader(ClassLoader classLoader) {
        Config all;
        try {
            // every reference.conf on the classpath (Pekko's too); only the baton tree is ours
            all = ConfigFactory.parseResources(classLoader, "reference.conf",
                    ConfigParseOptions.defaults().setAllowMissing(false));
            this.reference = all.withOnlyPath(ReferenceKeys.ROOT);
            this.resolvedReference = reference.resolve();
            this.keys = new ReferenceKeys(resolvedReference);
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded reference.conf is broken: " + e.getMessage(), e);
        }
        this.profiles = new ProfileCatalog(classLoader);
    }

    /** A loader over the classpath that holds this module. */
    public static ConfigLoader fromClasspath() {
        return new ConfigLoader(ConfigLoader.class.getClassLoader());
    }

    /** The named profiles and the default one. */
    public ProfileCatalog profiles() {
        return profiles;
    }

    /** Every valid key path (objects included), e.g. {@code baton.model.num-layers}. */
    public List<String> keyPaths() {
        return keys.paths();
    }

    /** Layers, resolves and validates; throws {@link BatonConfigException} on any user error. */
    public ResolvedConfig load(ConfigRequest request) {
        String profile = request.profile() != null ? request.profile() : profiles.defaultName();
        List<Config> layers = new ArrayList<>();
        layers.add(profiles.load(profile));
        if (request.configFile() != null) {
            layers.add(parseFile(request.configFile()));
        }
        for (Map.Entry<String, String> property : request.systemProperties().entrySet()) {
            if (property.getKey().startsWith(SYSTEM_PROPERTY_PREFIX)) {
                String source = "-D" + property.getKey() + "=" + property.getValue();
                layers.add(Overrides.parse(property.getKey(), property.getValue(), source, keys));
            }
        }
        for (String assignment : request.sets()) {
            layers.add(Overrides.parseAssignment(assignment, keys));
        }

        Config merged = reference;
        for (Config layer : layers) {
            merged = layer.withFallback(merged);
        }
        Config resolved;
        try {
            resolved = merged.resolve();
        } catch (ConfigException e) {
            throw new BatonConfigException("cannot resolve the configuration: " + Overrides.firstLine(e.getMessage()), e);
        }
        keys.requireKnown(resolved);
        TypeCheck.check(resolvedReference, resolved);
        return new ResolvedConfig(profile, resolved);
    }

    private static Config parseFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new BatonConfigException("--config expects a HOCON file, but " + file + " is a folder");
        }
        if (!Files.isRegularFile(file)) {
            throw new BatonConfigException("config file not found: " + file);
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new BatonConfigException("cannot read config file " + file + ": " + Overrides.firstLine(e.getMessage()), e);
        }
    }
}
