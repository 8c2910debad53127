package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.trace.ScheduleFile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schedule files written by hand for tests: commands are added per rank and stream in order with
 * their times (µs), waits as "stream#index" within the step; sequence numbers start at 0 and
 * collective numbers are the comm index.
 */
final class HandMadeSchedule {
    private final Map<String, String> header = new LinkedHashMap<>();
    private final List<ScheduleFile.Entry> entries = new ArrayList<>();
    private final Map<String, Integer> next = new LinkedHashMap<>();

    HandMadeSchedule(int world, int micro, String paramOrder, String workOrder, String groups) {
        header.put("step", "7");
        header.put("world", Integer.toString(world));
        header.put("micro_steps", Integer.toString(micro));
        header.put("adam_step", "true");
        header.put("tied", "false");
        header.put("link_latency_ns", "0");
        header.put("link_bytes_per_second", "0.0");
        header.put("param_order", paramOrder);
        header.put("work_order", workOrder);
        header.put("groups", groups);
    }

    HandMadeSchedule compute(int rank, CommandKind kind, String param, double start, double end, String... waits) {
        return add(rank, "compute", kind, param, 0, start, end, waits);
    }

    HandMadeSchedule comm(int rank, CommandKind kind, String param, long bytes, double start, double end, String... waits) {
        return add(rank, "comm", kind, param, bytes, start, end, waits);
    }

    private HandMadeSchedule add(int rank, String stream, CommandKind kind, String param, long bytes, double start, double end,
                                 String... waits) {
        int seq = next.merge(rank + "/" + stream, 1, Integer::sum) - 1;
        entries.add(new ScheduleFile.Entry(rank, stream, seq, kind, param, bytes, stream.equals("comm") ? seq : -1, 0, start,
                end, Arrays.asList(waits)));
        return this;
    }

    ScheduleFile file() {
        return new ScheduleFile(header, entries);
    }
}
