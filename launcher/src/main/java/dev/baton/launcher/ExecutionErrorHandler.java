package dev.baton.launcher;

import dev.baton.conf.BatonConfigException;
import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.data.DataException;
import dev.baton.runtime.golf.artifact.ArtifactException;
import dev.baton.runtime.tokenizer.UnknownTokenizerException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * Turns the errors a user can cause while a command runs into one line on stderr and exit code 2;
 * anything else is a fault of Baton and keeps its stack trace.
 */
final class ExecutionErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) throws Exception {
        if (ex instanceof BatonConfigException || ex instanceof DataException
                || ex instanceof UnknownTokenizerException || ex instanceof CheckpointException
                || ex instanceof ArtifactException) {
            PrintWriter err = command.getErr();
            err.println(command.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        throw ex;
    }
}
