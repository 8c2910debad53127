package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text tables of {@code baton replay}: the step's streams and critical path, the calibrated
 * cost model, predictions, the tuner's best orders and the world-size projection. Times in
 * milliseconds; every table says what its columns are.
 */
public final class ReplayReport {
    private ReplayReport() {
    }

    /** Per-stream busy, idle, rendezvous and exposed-communication times. */
    public static String streams(StepAnalysis a) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "  %-18s %9s %9s %11s %14s%n", "stream (ms)", "busy", "idle", "rendezvous",
                "exposed comm"));
        for (LaneStats l : a.lanes()) {
            boolean comm = !l.stream().equals(StepGraph.COMPUTE);
            b.append(String.format(Locale.ROOT, "  %-18s %9.3f %9.3f %11s %14s%n", "rank " + l.rank() + " " + l.stream(),
                    ms(l.busy()), ms(l.idle()), comm ? fmt(l.rendezvous()) : "", comm ? fmt(l.exposed()) : ""));
        }
        b.append("  busy: running commands (a collective from this rank's arrival); rendezvous: waiting in a collective\n"
                + "  for the last rank; exposed comm: the comm stream busy while this rank's compute stream was idle.\n");
        return b.toString();
    }

    /** The critical path, at most {@code rows} lines of it (the longest steps kept in order), then totals by kind. */
    public static String criticalPath(StepAnalysis a, int rows) {
        StringBuilder b = new StringBuilder();
        double commands = a.criticalPath().stream().mapToDouble(PathStep::duration).sum();
        double waits = a.criticalPath().stream().mapToDouble(PathStep::waitBefore).sum();
        b.append(String.format(Locale.ROOT, "  critical path: %.3f ms = %.3f ms of commands + %.3f ms of waits "
                + "(communication on it: %.3f ms)%n", ms(a.makespan()), ms(commands), ms(waits), ms(a.commOnPath())));
        b.append(String.format(Locale.ROOT, "  %9s %9s %9s  %-5s %-8s %s%n", "start", "wait", "duration", "rank", "stream",
                "command"));
        List<PathStep> path = a.criticalPath();
        double cutoff = rows >= path.size() ? -1 : path.stream().mapToDouble(p -> p.duration() + p.waitBefore())
                .sorted().skip(path.size() - rows).findFirst().orElse(-1);
        int hidden = 0;
        for (PathStep p : path) {
            if (p.duration() + p.waitBefore() < cutoff) {
                hidden++;
                continue;
            }
            TimedCommand c = p.command();
            String who = c.collective() >= 0 ? "all" : Integer.toString(c.rank());
            b.append(String.format(Locale.ROOT, "  %9.3f %9.3f %9.3f  %-5s %-8s %s%s%n", ms(p.start()), ms(p.waitBefore()),
                    ms(p.duration()), who, c.stream(), c.label(),
                    c.collective() >= 0 ? " (last to arrive: rank " + p.boundBy() + ")" : ""));
        }
        if (hidden > 0) {
            b.append("  (").append(hidden).append(" shorter steps of the path not shown; --path-rows shows more)\n");
        }
        StringBuilder kinds = new StringBuilder();
        for (Map.Entry<String, Double> e : a.pathByKind().entrySet()) {
            kinds.append(kinds.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(fmt(e.getValue()));
        }
        b.append("  by kind (ms): ").append(kinds).append('\n');
        return b.toString();
    }

    /** Compute durations (mean over ranks), stream overheads and the collective fits. */
    public static String costModel(CostModel m, int recordings) {
        StringBuilder b = new StringBuilder();
        b.append("  from ").append(recordings).append(recordings == 1 ? " recording" : " recordings")
                .append(" (trimmed means over steps and ranks)\n");
        StringBuilder compute = new StringBuilder();
        for (Map.Entry<String, Double> e : m.computeTable().entrySet()) {
            String[] k = e.getKey().split("\\|", -1);
            if (!k[2].equals("-1") || k[1].equals("*")) {
                continue;
            }
            compute.append(compute.length() == 0 ? "" : ", ").append(k[0]).append(k[1].isEmpty() ? "" : " " + k[1])
                    .append(' ').append(fmt(e.getValue()));
        }
        b.append("  compute (ms): ").append(wrap(compute.toString(), 100, "    ")).append('\n');
        StringBuilder gaps = new StringBuilder();
        m.gapTable().forEach((k, v) -> gaps.append(gaps.length() == 0 ? "" : ", ").append(k.replace('|', ' '))
                .append(' ').append(String.format(Locale.ROOT, "%.1f µs", v)));
        b.append("  stream overheads: ").append(gaps.length() == 0 ? "none measured" : gaps).append('\n');
        if (m.fits() == null) {
            b.append("  collectives: none moved bytes (W = 1)\n");
        } else {
            b.append("  collectives, fit over all launches: ").append(m.fits().pooled().describe()).append('\n');
            for (Map.Entry<CommandKind, LinkFit> e : new TreeMap<>(m.fits().byKind()).entrySet()) {
                b.append("    ").append(e.getKey().wireName()).append(": ").append(e.getValue().describe()).append('\n');
            }
        }
        return b.toString();
    }

    /** The tuner's best candidates against the recorded orders. */
    public static String tuned(OrderTuner.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "  searched %d distinct orders (%s)%n", r.evaluated(), r.method()));
        b.append(String.format(Locale.ROOT, "  %3s %12s %9s  %s%n", "#", "predicted ms", "vs start", "orders"));
        b.append(String.format(Locale.ROOT, "  %3s %12.3f %9s  %s%n", "-", ms(r.start().predictedMicros()), "",
                r.start().describe() + "  (the starting orders)"));
        int i = 1;
        for (Candidate c : r.best()) {
            b.append(String.format(Locale.ROOT, "  %3d %12.3f %+8.1f%%  %s%n", i++, ms(c.predictedMicros()),
                    100 * (c.predictedMicros() / r.start().predictedMicros() - 1), c.describe()));
        }
        return b.toString();
    }

    /** The world-size projection table and its assumptions. */
    public static String projection(WorldProjection.Result p) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "  %5s %6s %14s %14s %14s %11s %9s%n", "W", "micro", "fwd/bwd ms/rank",
                "updates ms/rank", "collectives ms", "step ms", "speed-up"));
        double base = p.rows().stream().filter(r -> r.world() == p.recordedWorld()).mapToDouble(WorldProjection.Row::stepMicros)
                .findFirst().orElse(Double.NaN);
        for (WorldProjection.Row r : p.rows()) {
            b.append(String.format(Locale.ROOT, "  %5s %6d %14.3f %14.3f %14.3f %11.3f %9s%n",
                    r.world() + (r.world() == p.recordedWorld() ? "*" : ""), r.microSteps(), ms(r.forwardBackwardPerRank()),
                    ms(r.updatesPerRank()), ms(r.collectivesPerStep()), ms(r.stepMicros()),
                    Double.isNaN(base) ? "" : String.format(Locale.ROOT, "%.2fx", base / r.stepMicros())));
        }
        b.append("  * the recorded world size, predicted with the fitted link (speed-up relative to it)\n");
        b.append("  assumptions:\n");
        for (String a : p.assumptions()) {
            b.append("  - ").append(wrap(a, 100, "    ")).append('\n');
        }
        return b.toString();
    }

    static double ms(double micros) {
        return micros / 1000;
    }

    private static String fmt(double micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1000);
    }

    private static String wrap(String s, int width, String indent) {
        StringBuilder b = new StringBuilder();
        int col = 0;
        for (String word : s.split(" ")) {
            if (col > 0 && col + word.length() + 1 > width) {
                b.append('\n').append(indent);
                col = indent.length();
            } else if (col > 0) {
                b.append(' ');
                col++;
            }
            b.append(word);
            col += word.length();
        }
        return b.toString();
    }
}
