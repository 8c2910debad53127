package dev.baton.launcher;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;

/**
 * Replaces picocli's reaction to a bad command line (the message plus the whole usage text) by
 * one line on stderr that names the problem and the help command, and exit code 2.
 */
final class ParameterErrorHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        err.println(name + ": " + describe(ex) + " (try '" + name + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static String describe(ParameterException ex) {
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().get(0);
            List<String> suggestions = unmatched.getSuggestions();
            String hint = suggestions.isEmpty() ? "" : "; did you mean '" + suggestions.get(0) + "'?";
            boolean takesSubcommands = !ex.getCommandLine().getSubcommands().isEmpty();
            if (takesSubcommands && !first.startsWith("-")) {
                return "unknown subcommand '" + first + "'" + hint;
            }
            return oneLine(ex.getMessage()) + hint;
        }
        return oneLine(ex.getMessage());
    }

    private static String oneLine(String message) {
        return message == null ? "invalid command line" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
