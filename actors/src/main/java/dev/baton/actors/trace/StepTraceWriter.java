package dev.baton.actors.trace;

import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.ExecutedCommand;
import dev.baton.actors.work.StepContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    /** The schedule file's header of a step: what the replay tool needs to know about the run. */
    public static Map<String, String> header(StepContext c, int world, LinkModel link, ScheduleOrders orders) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("step", Long.toString(c.step()));
        h.put("world", Integer.toString(world));
        h.put("micro_steps", Integer.toString(c.microSteps()));
        h.put("adam_step", Boolean.toString(c.adamStep()));
        h.put("tied", Boolean.toString(c.tied()));
        h.put("link_latency_ns", Long.toString(link.latencyNanos()));
        h.put("link_bytes_per_second", Double.toString(link.bytesPerSecond()));
        h.put("param_order", String.join(",", orders.paramOrder()));
        h.put("work_order", String.join(",", orders.workOrder()));
        h.put("groups", orders.groups().isEmpty() ? "-"
                : String.join(",", orders.groups().stream().map(g -> String.join("+", g)).toList()));
        return h;
    }
}
