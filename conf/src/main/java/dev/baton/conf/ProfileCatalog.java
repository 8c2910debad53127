package dev.baton.conf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The named profiles listed in {@code baton/profiles/index.conf}: their names, summaries, the
 * default, and the loading of one profile file ({@code baton/profiles/<name>.conf}).
 */
public final class ProfileCatalog {
    static final String FOLDER = "baton/profiles/";

    private final ClassLoader classLoader;
    private final String defaultName;
    private final List<ProfileInfo> profiles;

    ProfileCatalog(ClassLoader classLoader) {
        this.classLoader = classLoader;
        Config index = parseRequired(FOLDER + "index.conf");
        this.defaultName = index.getString("default");
        this.profiles = index.getConfigList("profiles").stream()
                .map(entry -> new ProfileInfo(entry.getString("name"), entry.getString("summary")))
                .collect(Collectors.toUnmodifiableList());
        if (names().stream().noneMatch(defaultName::equals)) {
            throw new IllegalStateException("profile index names default '" + defaultName + "' but does not list it");
        }
    }

    /** The profile used when none is asked for. */
    public String defaultName() {
        return defaultName;
    }

    /** The profiles in index order. */
    public List<ProfileInfo> profiles() {
        return profiles;
    }

    /** The profile names in index order. */
    public List<String> names() {
        return profiles.stream().map(ProfileInfo::name).collect(Collectors.toUnmodifiableList());
    }

    /** The unresolved profile file; unknown names end in one message listing the valid ones. */
    Config load(String name) {
        if (!names().contains(name)) {
            throw new BatonConfigException("unknown profile '" + name + "'; valid profiles: " + String.join(", ", names()));
        }
        return parseRequired(FOLDER + name + ".conf");
    }

    private Config parseRequired(String resource) {
        try {
            return ConfigFactory.parseResources(classLoader, resource, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            // a packaging fault, not a user error: the jar lacks or mangles one of its own files
            throw new IllegalStateException("cannot read classpath resource " + resource + ": " + e.getMessage(), e);
        }
    }
}
