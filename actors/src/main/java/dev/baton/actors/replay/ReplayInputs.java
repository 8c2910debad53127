package dev.baton.actors.replay;

import dev.baton.actors.trace.ScheduleFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code baton replay} works from: the schedule files named on the command line (folders
 * stand for the {@code schedule-step-*.txt} files in them), the one step replayed (the given step,
 * else the last file), and the cost model calibrated on all of them plus an optional sweep.
 * Every problem with the inputs is an {@link IllegalArgumentException} whose message names the file.
 */
public record ReplayInputs(List<Path> files, List<ScheduleFile> recordings, Path target, ScheduleFile targetFile,
                           Timeline recorded, StepShape shape, CostModel model, List<Timeline> similar) {
    public ReplayInputs {
        files = List.copyOf(files);
        recordings = List.copyOf(recordings);
        similar = List.copyOf(similar);
    }

    /** The median step time of the recorded steps like the replayed one (itself included). */
    public double similarMedian() {
        double[] t = similar.stream().mapToDouble(Timeline::makespan).sorted().toArray();
        return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
    }

    /** Loads and calibrates; {@code step} null = the last file; {@code sweep} may be null. */
    public static ReplayInputs load(List<Path> paths, Long step, Path sweep) throws IOException {
        List<Path> files = expand(paths);
        List<ScheduleFile> recordings = new ArrayList<>();
        List<Timeline> timelines = new ArrayList<>();
        int target = files.size() - 1;
        for (int i = 0; i < files.size(); i++) {
            ScheduleFile f = ScheduleFile.read(files.get(i));
            recordings.add(f);
            try {
                timelines.add(Timeline.of(f));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(files.get(i) + ": " + e.getMessage(), e);
            }
            if (step != null && Long.toString(step).equals(f.header().getOrDefault("step", "").strip())) {
                target = i;
            }
        }
        if (step != null && !Long.toString(step).equals(recordings.get(target).header().getOrDefault("step", "").strip())) {
            throw new IllegalArgumentException("no schedule of step " + step + " among the " + files.size()
                    + " files given (" + files.get(0).getParent() + ")");
        }
        StepShape shape;
        try {
            shape = StepShape.of(recordings.get(target), timelines.get(target));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(files.get(target) + ": " + e.getMessage(), e);
        }
        List<Timeline> similar = new ArrayList<>();
        for (int i = 0; i < recordings.size(); i++) {
            try {
                if (StepShape.of(recordings.get(i), timelines.get(i)).sameStepAs(shape)) {
                    similar.add(timelines.get(i));
                }
            } catch (IllegalArgumentException otherKindOfStep) {
                // not a training step like the replayed one: it still calibrates the durations it has
            }
        }
        List<CollectivePoint> points = sweep == null ? List.of() : CollectiveSweep.read(sweep);
        CostModel model = Calibration.of(timelines, points);
        return new ReplayInputs(files, recordings, files.get(target), recordings.get(target), timelines.get(target), shape,
                model, similar);
    }

    /** Files as given; each folder replaced by its schedule files in step order. */
    static List<Path> expand(List<Path> paths) throws IOException {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("give a schedule file (schedule-step-NNNNNNNN.txt) or the trace folder that "
                    + "holds them");
        }
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                List<Path> inside;
                try (Stream<Path> s = Files.list(p)) {
                    inside = s.filter(f -> f.getFileName().toString().matches("schedule-step-\\d+\\.txt"))
                            .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList();
                }
                if (inside.isEmpty()) {
                    throw new IllegalArgumentException(p + " holds no schedule-step-*.txt files; record some with "
                            + "--set baton.trace.enabled=true");
                }
                out.addAll(inside);
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IllegalArgumentException("schedule file not found: " + p);
            }
        }
        return out;
    }
}
