package dev.baton.conf;

import com.typesafe.config.ConfigOrigin;

/** Describes where a configuration value came from, in words a user recognises. */
final class Origins {
    private Origins() {
    }

    /**
     * "my.conf line 3", "baton/profiles/tiny-cpu.conf line 12" or the description given when the
     * value was made (e.g. "--set baton.model.num-layers=x").
     */
    static String describe(ConfigOrigin origin) {
        if (origin == null) {
            return "unknown source";
        }
        String where = origin.filename() != null ? origin.filename() : origin.resource();
        if (where != null) {
            return origin.lineNumber() > 0 ? where + " line " + origin.lineNumber() : where;
        }
        // parsed strings carry our description plus ": <line>"; the line is always 1 there
        String description = origin.description();
        return description.replaceFirst(": \\d+$", "");
    }
}
