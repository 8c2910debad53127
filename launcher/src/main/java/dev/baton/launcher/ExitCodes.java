package dev.baton.launcher;

/** The exit codes of {@code baton}, one meaning each, so scripts can tell outcomes apart. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command failed while running (a bug or an environment fault; see the message). */
    public static final int FAILURE = 1;
    /** The command line or the configuration is wrong: unknown option, key, profile, type, file. */
    public static final int USAGE = 2;
    /** The subcommand exists but its capability comes with a later issue. */
    public static final int NOT_AVAILABLE = 3;

    private ExitCodes() {
    }
}
