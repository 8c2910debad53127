package dev.baton.launcher.config;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.Settings;

import java.util.function.Supplier;

/** One-line configuration errors of the bindings, each naming the key, its value and its source. */
final class ConfigErrors {
    private ConfigErrors() {
    }

    /** "baton.model.num-heads = 5 (from --set baton.model.num-heads=5): must be even ...". */
    static BatonConfigException wrong(Settings s, String key, String problem) {
        return new BatonConfigException(key + " = " + s.describe(key) + ": " + problem);
    }

    /** Fails with {@link #wrong} unless {@code ok}. */
    static void require(boolean ok, Settings s, String key, String problem) {
        if (!ok) {
            throw wrong(s, key, problem);
        }
    }

    /**
     * Builds a runtime record whose constructor checks a rule that spans several keys; its
     * IllegalArgumentException becomes one line prefixed with the keys involved.
     */
    static <T> T build(String keys, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new BatonConfigException(keys + ": " + e.getMessage(), e);
        }
    }
}
