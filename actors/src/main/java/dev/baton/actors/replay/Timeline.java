package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandInfo;
import dev.baton.actors.stream.ExecutedCommand;
import dev.baton.actors.trace.ScheduleFile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One step as commands on lanes (a lane = one stream of one worker), recorded from a schedule
 * file or predicted by the {@link StepSimulator}; the analysis, the Gantt chart and the Chrome
 * trace all read this one form. Times are microseconds from the step's first enqueue.
 */
public final class Timeline {
    private final int world;
    private final List<TimedCommand> commands;
    private final Map<String, List<TimedCommand>> lanes = new LinkedHashMap<>();
    private final Map<Integer, List<TimedCommand>> collectives = new HashMap<>();

    public Timeline(int world, List<TimedCommand> commands) {
        this.world = world;
        List<TimedCommand> sorted = new ArrayList<>(commands);
        sorted.sort(Comparator.comparingInt(TimedCommand::rank).thenComparing(c -> streamRank(c.stream()))
                .thenComparing(TimedCommand::stream).thenComparingInt(TimedCommand::index));
        this.commands = List.copyOf(sorted);
        for (TimedCommand c : this.commands) {
            List<TimedCommand> lane = lanes.computeIfAbsent(key(c.rank(), c.stream()), k -> new ArrayList<>());
            if (c.index() != lane.size()) {
                throw new IllegalArgumentException("rank " + c.rank() + " stream " + c.stream() + ": command index "
                        + c.index() + " where " + lane.size() + " was expected (indices count from 0 within the step)");
            }
            lane.add(c);
            if (c.collective() >= 0) {
                collectives.computeIfAbsent(c.collective(), k -> new ArrayList<>()).add(c);
            }
        }
    }

    /** The recorded step of a schedule file: commands renumbered within the step, waits on earlier steps dropped. */
    public static Timeline of(ScheduleFile file) {
        Map<String, Long> firstSeq = new HashMap<>();
        TreeSet<Long> launchNumbers = new TreeSet<>();
        int world = 0;
        for (ScheduleFile.Entry e : file.commands()) {
            firstSeq.merge(key(e.rank(), e.stream()), e.seq(), Math::min);
            if (e.collective() >= 0) {
                launchNumbers.add(e.collective());
            }
            world = Math.max(world, e.rank() + 1);
        }
        String w = file.header().get("world");
        if (w != null) {
            world = Integer.parseInt(w.strip());
        }
        List<Long> launches = new ArrayList<>(launchNumbers);
        List<TimedCommand> out = new ArrayList<>();
        for (ScheduleFile.Entry e : file.commands()) {
            List<StreamRef> waits = new ArrayList<>();
            for (String wait : e.waits()) {
                int hash = wait.lastIndexOf('#');
                if (hash <= 0) {
                    throw new IllegalArgumentException("wait '" + wait + "' is not STREAM#SEQ");
                }
                String stream = wait.substring(0, hash);
                long seq = Long.parseLong(wait.substring(hash + 1));
                Long first = firstSeq.get(key(e.rank(), stream));
                if (first != null && seq >= first) {
                    waits.add(new StreamRef(stream, (int) (seq - first)));
                }
            }
            int collective = e.collective() >= 0 ? launches.indexOf(e.collective()) : -1;
            out.add(new TimedCommand(e.rank(), e.stream(), (int) (e.seq() - firstSeq.get(key(e.rank(), e.stream()))),
                    e.kind(), e.param(), e.bytes(), collective, e.enqueueMicros(), e.startMicros(), e.endMicros(), waits));
        }
        return new Timeline(world, out);
    }

    public int world() {
        return world;
    }

    /** Every command, by rank, stream (compute first) and index. */
    public List<TimedCommand> commands() {
        return commands;
    }

    /** The stream names in display order: compute, comm, then any others. */
    public List<String> streams() {
        TreeSet<String> names = new TreeSet<>(Comparator.comparingInt(Timeline::streamRank).thenComparing(s -> s));
        for (TimedCommand c : commands) {
            names.add(c.stream());
        }
        return List.copyOf(names);
    }

    /** The commands of one stream of one rank in stream order (empty when it ran none). */
    public List<TimedCommand> lane(int rank, String stream) {
        return lanes.getOrDefault(key(rank, stream), List.of());
    }

    /** The command a wait names, or null when it is outside the step. */
    public TimedCommand resolve(int rank, StreamRef ref) {
        List<TimedCommand> lane = lane(rank, ref.stream());
        return ref.index() < lane.size() ? lane.get(ref.index()) : null;
    }

    /** The stream predecessor of {@code c} within the step, or null. */
    public TimedCommand previous(TimedCommand c) {
        return c.index() == 0 ? null : lane(c.rank(), c.stream()).get(c.index() - 1);
    }

    /** The instances of collective {@code k} on every rank. */
    public List<TimedCommand> collective(int k) {
        return collectives.getOrDefault(k, List.of());
    }

    /** When the last rank arrived at collective {@code k}: the moment the transfer could begin. */
    public double launch(int k) {
        double t = Double.NEGATIVE_INFINITY;
        for (TimedCommand c : collective(k)) {
            t = Math.max(t, c.start());
        }
        return t;
    }

    /** The step time: the last command's end (the step starts at 0, its first enqueue). */
    public double makespan() {
        double t = 0;
        for (TimedCommand c : commands) {
            t = Math.max(t, c.end());
        }
        return t;
    }

    /**
     * This timeline as the recorder's commands, so that {@link dev.baton.actors.trace.ChromeTrace}
     * writes it for Perfetto; {@code device} names rank r's process, e.g. "predicted:r".
     */
    public List<ExecutedCommand> asExecuted(long step, String device) {
        List<ExecutedCommand> out = new ArrayList<>(commands.size());
        for (TimedCommand c : commands) {
            List<String> waits = c.waits().stream().map(StreamRef::toString).toList();
            out.add(new ExecutedCommand(device + ":" + c.rank(), c.rank(), c.stream(), c.index(),
                    new CommandInfo(step, c.kind(), c.param(), c.bytes(), c.collective()), waits,
                    nanos(c.enqueue()), nanos(c.start()), nanos(c.end()), false));
        }
        return out;
    }

    private static long nanos(double micros) {
        return Math.round(micros * 1000);
    }

    static String key(int rank, String stream) {
        return rank + "/" + stream;
    }

    static int streamRank(String stream) {
        return switch (stream) {
            case "compute" -> 0;
            case "comm" -> 1;
            default -> 2;
        };
    }
}
