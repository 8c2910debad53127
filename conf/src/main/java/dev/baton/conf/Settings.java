package dev.baton.conf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Typed reads of a resolved configuration by full path ({@code "baton.model.num-layers"}). The
 * loader already checked keys and coarse types; these getters add what only the reader knows
 * (whole numbers, allowed words) and fail with a {@link BatonConfigException} naming the key,
 * what was expected and where the value came from.
 */
public final class Settings {
    private final Config config;

    public Settings(ResolvedConfig resolved) {
        this.config = resolved.config();
    }

    /** A whole number in int range; 12 and 12.0 are accepted, 12.5 is not. */
    public int wholeNumber(String path) {
        return toWhole(path, value(path));
    }

    /** Any number. */
    public double number(String path) {
        return toNumber(path, value(path));
    }

    /** true or false (also yes/no, on/off). */
    public boolean flag(String path) {
        return config.getBoolean(path);
    }

    /** A string (numbers and booleans are read as their text). */
    public String text(String path) {
        return config.getString(path);
    }

    /** A string that must be one of {@code allowed}. */
    public String choice(String path, String... allowed) {
        String text = config.getString(path);
        if (!Arrays.asList(allowed).contains(text)) {
            throw wrong(path, "one of " + String.join(", ", allowed), value(path));
        }
        return text;
    }

    /** A word naming an enum constant: "cuda" or "CUDA" for {@code CUDA}, "record-small" for {@code RECORD_SMALL}. */
    public <E extends Enum<E>> E choice(String path, Class<E> type) {
        String text = config.getString(path).trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        String words = Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(", "));
        throw wrong(path, "one of " + words, value(path));
    }

    /** A list of whole numbers. */
    public List<Integer> wholeNumbers(String path) {
        List<Integer> result = new ArrayList<>();
        for (ConfigValue element : list(path)) {
            result.add(toWhole(path, element));
        }
        return List.copyOf(result);
    }

    /** A list of numbers. */
    public List<Double> numbers(String path) {
        List<Double> result = new ArrayList<>();
        for (ConfigValue element : list(path)) {
            result.add(toNumber(path, element));
        }
        return List.copyOf(result);
    }

    /** A list of strings. */
    public List<String> texts(String path) {
        return List.copyOf(config.getStringList(path));
    }

    /**
     * The value at {@code path} as written (concise HOCON) and where it came from, for messages
     * about values that are well-typed but wrong: {@code 5 (from --set baton.model.num-heads=5)}.
     */
    public String describe(String path) {
        ConfigValue v = value(path);
        return v.render(ConfigRenderOptions.concise()) + " (from " + Origins.describe(v.origin()) + ")";
    }

    /** The raw value at {@code path} (nested lists and objects the typed getters do not cover). */
    public ConfigValue raw(String path) {
        return value(path);
    }

    private ConfigValue value(String path) {
        if (!config.hasPath(path)) {
            // keys were checked against the reference when loading: this is a typo in code
            throw new IllegalArgumentException("no configuration key " + path);
        }
        return config.getValue(path);
    }

    private ConfigList list(String path) {
        return config.getList(path);
    }

    private static int toWhole(String path, ConfigValue value) {
        Object raw = value.unwrapped();
        long whole;
        if (raw instanceof Integer || raw instanceof Long) {
            whole = ((Number) raw).longValue();
        } else if (value.valueType() == ConfigValueType.STRING) {
            try {
                whole = Long.parseLong(((String) raw).trim());
            } catch (NumberFormatException e) {
                throw wrong(path, "a whole number", value);
            }
        } else {
            throw wrong(path, "a whole number", value);
        }
        if (whole < Integer.MIN_VALUE || whole > Integer.MAX_VALUE) {
            throw wrong(path, "a whole number in int range", value);
        }
        return (int) whole;
    }

    private static double toNumber(String path, ConfigValue value) {
        Object raw = value.unwrapped();
        if (raw instanceof Number number) {
            return number.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(raw).trim());
        } catch (NumberFormatException e) {
            throw wrong(path, "a number", value);
        }
    }

    private static BatonConfigException wrong(String path, String expected, ConfigValue value) {
        return new BatonConfigException(path + " expects " + expected + " but got " + TypeCheck.actualText(value)
                + " (from " + Origins.describe(value.origin()) + ")");
    }
}
