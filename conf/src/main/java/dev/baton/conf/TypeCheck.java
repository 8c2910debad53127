package dev.baton.conf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.util.Map;
import java.util.Set;

/**
 * Checks that every value of a resolved configuration has the type of its reference value:
 * numbers, booleans, strings, lists (element type of the reference's first element) and objects.
 * Strings that read as a number or boolean are accepted, as Typesafe Config converts them.
 *
 * <p>Whole versus fractional numbers cannot be told apart here (the parser stores 23.0 as the
 * int 23 and keeps no text), so {@link Settings#wholeNumber} checks that when a key is read.
 */
final class TypeCheck {
    private static final Set<String> BOOLEAN_WORDS = Set.of("true", "false", "yes", "no", "on", "off");

    private TypeCheck() {
    }

    /** Throws {@link BatonConfigException} at the first value whose type does not match. */
    static void check(Config resolvedReference, Config resolved) {
        String root = ReferenceKeys.ROOT;
        ConfigValue actual = resolved.root().get(root);
        checkValue(root, resolvedReference.root().get(root), actual);
    }

    private static void checkValue(String path, ConfigValue expected, ConfigValue actual) {
        if (actual == null || actual.valueType() == ConfigValueType.NULL) {
            String source = actual == null ? "" : " (from " + Origins.describe(actual.origin()) + ")";
            throw new BatonConfigException(path + " expects " + expectedText(expected) + " but is null" + source);
        }
        if (expected instanceof ConfigObject expectedObject) {
            if (!(actual instanceof ConfigObject actualObject)) {
                throw mismatch(path, expected, actual);
            }
            for (Map.Entry<String, ConfigValue> entry : expectedObject.entrySet()) {
                checkValue(path + "." + entry.getKey(), entry.getValue(), actualObject.get(entry.getKey()));
            }
            return;
        }
        if (!compatible(expected, actual)) {
            throw mismatch(path, expected, actual);
        }
    }

    private static boolean compatible(ConfigValue expected, ConfigValue actual) {
        switch (expected.valueType()) {
            case NUMBER:
                return isNumber(actual);
            case BOOLEAN:
                return actual.valueType() == ConfigValueType.BOOLEAN
                        || (actual.valueType() == ConfigValueType.STRING
                        && BOOLEAN_WORDS.contains(((String) actual.unwrapped()).trim()));
            case STRING:
                ConfigValueType type = actual.valueType();
                return type == ConfigValueType.STRING || type == ConfigValueType.NUMBER || type == ConfigValueType.BOOLEAN;
            case LIST:
                if (!(actual instanceof ConfigList actualList)) {
                    return false;
                }
                ConfigList expectedList = (ConfigList) expected;
                if (expectedList.isEmpty()) {
                    return true;
                }
                for (ConfigValue element : actualList) {
                    if (!compatible(expectedList.get(0), element)) {
                        return false;
                    }
                }
                return true;
            case OBJECT:
                return actual instanceof ConfigObject;
            default:
                return true;
        }
    }

    private static boolean isNumber(ConfigValue actual) {
        if (actual.valueType() == ConfigValueType.NUMBER) {
            return true;
        }
        if (actual.valueType() != ConfigValueType.STRING) {
            return false;
        }
        try {
            Double.parseDouble(((String) actual.unwrapped()).trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static BatonConfigException mismatch(String path, ConfigValue expected, ConfigValue actual) {
        return new BatonConfigException(path + " expects " + expectedText(expected) + " but got "
                + actualText(actual) + " (from " + Origins.describe(actual.origin()) + ")");
    }

    static String expectedText(ConfigValue expected) {
        switch (expected.valueType()) {
            case NUMBER:
                return "a number";
            case BOOLEAN:
                return "true or false";
            case STRING:
                return "a string";
            case LIST:
                ConfigList list = (ConfigList) expected;
                return list.isEmpty() ? "a list" : "a list of " + plural(list.get(0));
            case OBJECT:
                return "an object";
            default:
                return "a value";
        }
    }

    private static String plural(ConfigValue element) {
        switch (element.valueType()) {
            case NUMBER:
                return "numbers";
            case BOOLEAN:
                return "booleans";
            case STRING:
                return "strings";
            case LIST:
                ConfigList list = (ConfigList) element;
                return list.isEmpty() ? "lists" : "lists of " + plural(list.get(0));
            default:
                return "objects";
        }
    }

    static String actualText(ConfigValue actual) {
        switch (actual.valueType()) {
            case STRING:
                return "the string \"" + actual.unwrapped() + "\"";
            case NUMBER:
                return "the number " + actual.unwrapped();
            case BOOLEAN:
                return String.valueOf(actual.unwrapped());
            case LIST:
                return "the list " + actual.render(ConfigRenderOptions.concise());
            case OBJECT:
                return "an object";
            default:
                return "null";
        }
    }
}
