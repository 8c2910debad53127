package dev.baton.conf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;

/**
 * The configuration of one invocation after layering, validation and substitution: a tree with
 * the single root {@code baton}.
 *
 * @param profile the profile it was built from
 * @param config  the resolved tree; read it with full paths, e.g. {@code getInt("baton.model.num-layers")}
 */
public record ResolvedConfig(String profile, Config config) {
    /** The {@code baton} subtree, for code that reads paths relative to it ("model.num-layers"). */
    public Config baton() {
        return config.getConfig(ReferenceKeys.ROOT);
    }

    /** Typed, checked reads of this configuration. */
    public Settings settings() {
        return new Settings(this);
    }

    /** The tree as HOCON: keys sorted, no comments, no origin notes. */
    public String render() {
        ConfigRenderOptions options = ConfigRenderOptions.defaults()
                .setOriginComments(false).setComments(false).setJson(false).setFormatted(true);
        return config.root().withOnlyKey(ReferenceKeys.ROOT).render(options);
    }
}
