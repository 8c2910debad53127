package dev.baton.actors.trace;

import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.stream.ExecutedCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compact schedule of one recorded step, the input of {@code baton replay}: a text file of
 * header lines ({@code key value}) and one {@code cmd} line per command with its rank, stream,
 * position, kind, parameter, bytes, collective number, enqueue/start/end times in microseconds
 * from the step's first enqueue, and the events it waited for. docs/schedule-format.md defines it.
 */
public record ScheduleFile(Map<String, String> header, List<Entry> commands) {
    public static final String MAGIC = "baton-schedule 1";

    /** One command line. {@code waits} holds "stream#seq" of the same rank, empty when none. */
    public record Entry(int rank, String stream, long seq, CommandKind kind, String param, long bytes,
                        long collective, double enqueueMicros, double startMicros, double endMicros,
                        List<String> waits) {
        public Entry {
            waits = List.copyOf(waits);
        }
    }

    public ScheduleFile {
        header = new LinkedHashMap<>(header);
        commands = List.copyOf(commands);
    }

    /** The schedule of recorded {@code commands} under {@code header} (step, world, orders, link...). */
    public static ScheduleFile of(Map<String, String> header, List<ExecutedCommand> commands) {
        long origin = origin(commands);
        List<Entry> entries = new ArrayList<>(commands.size());
        for (ExecutedCommand c : commands) {
            entries.add(new Entry(c.rank(), c.stream(), c.seq(), c.info().kind(), c.info().param(), c.info().bytes(),
                    c.info().collective(), ChromeTrace.micros(c.enqueueNanos() - origin),
                    ChromeTrace.micros(c.startNanos() - origin), ChromeTrace.micros(c.endNanos() - origin), c.waits()));
        }
        return new ScheduleFile(header, entries);
    }

    static long origin(List<ExecutedCommand> commands) {
        long o = Long.MAX_VALUE;
        for (ExecutedCommand c : commands) {
            o = Math.min(o, c.enqueueNanos());
        }
        return commands.isEmpty() ? 0 : o;
    }

    public String toText() {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        header.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
        b.append("# cmd rank stream seq kind param bytes collective enqueue_us start_us end_us waits\n");
        for (Entry e : commands) {
            b.append("cmd ").append(e.rank()).append(' ').append(e.stream()).append(' ').append(e.seq()).append(' ')
                    .append(e.kind().wireName()).append(' ').append(e.param().isEmpty() ? "-" : e.param()).append(' ')
                    .append(e.bytes()).append(' ').append(e.collective()).append(' ')
                    .append(e.enqueueMicros()).append(' ').append(e.startMicros()).append(' ').append(e.endMicros())
                    .append(' ').append(e.waits().isEmpty() ? "-" : String.join(",", e.waits())).append('\n');
        }
        return b.toString();
    }

    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, toText(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Parses a schedule file; errors name the file and line. */
    public static ScheduleFile read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
            throw new IllegalArgumentException(file + " is not a Baton schedule file (first line must be '" + MAGIC + "')");
        }
        Map<String, String> header = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("cmd ")) {
                    String[] f = line.split(" ");
                    if (f.length != 12) {
                        throw new IllegalArgumentException("expected 11 fields after 'cmd', found " + (f.length - 1));
                    }
                    entries.add(new Entry(Integer.parseInt(f[1]), f[2], Long.parseLong(f[3]), CommandKind.fromWireName(f[4]),
                            f[5].equals("-") ? "" : f[5], Long.parseLong(f[6]), Long.parseLong(f[7]),
                            Double.parseDouble(f[8]), Double.parseDouble(f[9]), Double.parseDouble(f[10]),
                            f[11].equals("-") ? List.of() : Arrays.asList(f[11].split(","))));
                } else {
                    int sp = line.indexOf(' ');
                    header.put(sp < 0 ? line : line.substring(0, sp), sp < 0 ? "" : line.substring(sp + 1));
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new ScheduleFile(header, entries);
    }
}
