package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.DataException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Where one document ends and the next begins in plain text. */
public enum DocSeparator {
    /** Paragraphs: runs of non-blank lines, separated by one or more blank lines (the KJV corpus: one chapter each). */
    BLANK_LINE("blank-line"),
    /** The whole file is one document. */
    FILE("file"),
    /** Every non-blank line is one document. */
    LINE("line");

    private final String label;

    DocSeparator(String label) {
        this.label = label;
    }

    /** The command-line spelling. */
    public String label() {
        return label;
    }

    public static DocSeparator parse(String label) {
        for (DocSeparator s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new DataException("unknown document separator '" + label + "'; valid: "
                + Arrays.stream(values()).map(DocSeparator::label).collect(Collectors.joining(", ")));
    }
}
