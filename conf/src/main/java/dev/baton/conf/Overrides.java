package dev.baton.conf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;

/**
 * Turns one {@code key=value} override ({@code --set} or a {@code -Dbaton.} system property) into
 * a one-key configuration. The key must exist in the reference. Where the reference holds a
 * string the value is taken literally (paths and globs need no quoting); otherwise it is read as
 * a HOCON value, so {@code 12}, {@code 0.5}, {@code true} and {@code [0, 2]} keep their types.
 */
final class Overrides {
    private Overrides() {
    }

    /** Parses {@code key=value} as given to {@code --set}. */
    static Config parseAssignment(String assignment, ReferenceKeys keys) {
        int equals = assignment.indexOf('=');
        if (equals <= 0) {
            throw new BatonConfigException("--set expects KEY=VALUE (e.g. --set baton.run.seed=7), got '" + assignment + "'");
        }
        String key = assignment.substring(0, equals).trim();
        String value = assignment.substring(equals + 1);
        return parse(key, value, "--set " + assignment, keys);
    }

    /** Parses one override whose source is described (for messages) as {@code source}. */
    static Config parse(String key, String value, String source, ReferenceKeys keys) {
        String path;
        try {
            path = ConfigUtil.joinPath(ConfigUtil.splitPath(key));
        } catch (ConfigException e) {
            throw new BatonConfigException("'" + key + "' in " + source + " is not a valid key path");
        }
        keys.requireKnown(path, source);
        ConfigValue reference = keys.valueAt(path);
        ConfigValue parsed = reference.valueType() == ConfigValueType.STRING
                ? ConfigValueFactory.fromAnyRef(value, source)
                : parseValue(value, source);
        return ConfigFactory.empty(source).withValue(path, parsed);
    }

    private static ConfigValue parseValue(String value, String source) {
        try {
            Config holder = ConfigFactory.parseString("value = " + value,
                    ConfigParseOptions.defaults().setOriginDescription(source));
            if (!holder.hasPathOrNull("value")) {
                throw new BatonConfigException("no value in " + source);
            }
            return holder.root().get("value");
        } catch (ConfigException e) {
            throw new BatonConfigException("cannot read the value in " + source + ": " + firstLine(e.getMessage()), e);
        }
    }

    static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
