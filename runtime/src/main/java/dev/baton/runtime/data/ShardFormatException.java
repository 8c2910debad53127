package dev.baton.runtime.data;

import java.nio.file.Path;

/** A token shard whose header or size is wrong; the message names the file and the problem. */
public final class ShardFormatException extends DataException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public ShardFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** What is wrong with it, without the file name. */
    public String problem() {
        return problem;
    }
}
