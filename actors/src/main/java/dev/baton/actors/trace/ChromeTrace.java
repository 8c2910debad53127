package dev.baton.actors.trace;

import dev.baton.actors.json.Json;
import dev.baton.actors.stream.ExecutedCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A step's commands as a Chrome trace (JSON object format), which Perfetto and chrome://tracing
 * open: one complete event ({@code "ph":"X"}) per command, {@code pid} = worker rank,
 * {@code tid} = stream (0 = compute, 1 = comm, further streams after), times in microseconds from
 * the step's first enqueue; name metadata events label processes and threads.
 */
public final class ChromeTrace {
    private ChromeTrace() {
    }

    /** The trace JSON of {@code commands}. */
    public static String toJson(List<ExecutedCommand> commands) {
        long origin = ScheduleFile.origin(commands);
        List<Object> events = new ArrayList<>();
        Map<Integer, String> devices = new LinkedHashMap<>();
        Map<String, Integer> tids = new LinkedHashMap<>();
        tids.put("compute", 0);
        tids.put("comm", 1);
        Map<String, Boolean> named = new LinkedHashMap<>();
        for (ExecutedCommand c : commands) {
            devices.putIfAbsent(c.rank(), c.device());
            int tid = tids.computeIfAbsent(c.stream(), s -> tids.size());
            if (named.putIfAbsent(c.rank() + "/" + c.stream(), true) == null) {
                events.add(meta("thread_name", c.rank(), tid, c.stream()));
            }
        }
        for (Map.Entry<Integer, String> d : devices.entrySet()) {
            events.add(meta("process_name", d.getKey(), null, d.getValue()));
        }
        for (ExecutedCommand c : commands) {
            Map<String, Object> e = new LinkedHashMap<>();
            String kind = c.info().kind().wireName();
            e.put("name", c.info().param().isEmpty() ? kind : kind + " " + c.info().param());
            e.put("cat", c.info().kind().communication() ? "comm," + kind : "compute," + kind);
            e.put("ph", "X");
            long t0 = tens(c.startNanos() - origin);
            e.put("ts", t0 / 100.0);
            e.put("dur", (tens(c.endNanos() - origin) - t0) / 100.0);
            e.put("pid", c.rank());
            e.put("tid", tids.get(c.stream()));
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("step", c.info().step());
            args.put("param", c.info().param());
            args.put("bytes", c.info().bytes());
            args.put("seq", c.seq());
            args.put("collective", c.info().collective());
            args.put("enqueue_us", micros(c.enqueueNanos() - origin));
            args.put("waits", c.waits());
            args.put("failed", c.failed());
            e.put("args", args);
            events.add(e);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("traceEvents", events);
        root.put("displayTimeUnit", "ms");
        return Json.write(root);
    }

    /** Writes the trace of {@code commands} to {@code file} (temp file + rename). */
    public static void write(Path file, List<ExecutedCommand> commands) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, toJson(commands), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Map<String, Object> meta(String what, int pid, Integer tid, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", what);
        m.put("ph", "M");
        m.put("pid", pid);
        if (tid != null) {
            m.put("tid", tid);
        }
        m.put("args", Map.of("name", name));
        return m;
    }

    static double micros(long nanos) {
        return tens(nanos) / 100.0;
    }

    /** Time in units of 10 ns: fine enough, and ends computed from rounded starts never overlap. */
    private static long tens(long nanos) {
        return Math.round(nanos / 10.0);
    }
}
