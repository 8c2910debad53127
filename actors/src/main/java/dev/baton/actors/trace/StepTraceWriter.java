package dev.baton.actors.trace;

import dev.baton.actors.stream.ExecutedCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes each recorded step into the trace folder as {@code trace-step-NNNNNNNN.json} (Chrome
 * trace) and {@code schedule-step-NNNNNNNN.txt} (schedule file).
 */
public final class StepTraceWriter {
    private final Path dir;

    public StepTraceWriter(Path dir) {
        this.dir = dir;
    }

    public static String traceName(long step) {
        return String.format("trace-step-%08d.json", step);
    }

    public static String scheduleName(long step) {
        return String.format("schedule-step-%08d.txt", step);
    }

    /** Writes both files of {@code step}; {@code header} goes into the schedule file. */
    public void write(long step, Map<String, String> header, List<ExecutedCommand> commands) throws IOException {
        Files.createDirectories(dir);
        ChromeTrace.write(dir.resolve(traceName(step)), commands);
        ScheduleFile.of(header, commands).write(dir.resolve(scheduleName(step)));
    }
}
