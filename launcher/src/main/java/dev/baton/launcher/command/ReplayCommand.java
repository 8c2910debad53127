package dev.baton.launcher.command;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.baton.actors.replay.Candidate;
import dev.baton.actors.replay.ConfigSnippet;
import dev.baton.actors.replay.GanttSvg;
import dev.baton.actors.replay.OrderText;
import dev.baton.actors.replay.OrderTuner;
import dev.baton.actors.replay.ReplayInputs;
import dev.baton.actors.replay.ReplayReport;
import dev.baton.actors.replay.StepAnalysis;
import dev.baton.actors.replay.StepGraph;
import dev.baton.actors.replay.StepShape;
import dev.baton.actors.replay.StepSimulator;
import dev.baton.actors.replay.Timeline;
import dev.baton.actors.replay.WorldProjection;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.trace.ChromeTrace;
import dev.baton.launcher.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code baton replay}: rebuilds a recorded step's timeline (streams, critical path, exposed
 * communication), calibrates a cost model on the recordings, predicts the step under other orders,
 * tunes the orders, projects other world sizes, and draws the step (docs/replay.md).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays a recorded step: its timeline per worker and stream, the critical path and the exposed "
                + "communication; predicts other orders (--param-order, --work-order, --groups), tunes them (--tune) "
                + "and projects other world sizes (--world).",
                "SCHEDULE is a schedule file (trace/schedule-step-NNNNNNNN.txt) or a folder of them; every file given "
                        + "calibrates the cost model, the last one (or --step) is replayed. See docs/replay.md."})
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "SCHEDULE", description = "Schedule files or trace folders.")
    List<Path> schedules = new ArrayList<>();

    @Option(names = "--step", paramLabel = "N", description = "The step to replay (default: the last file given).")
    Long step;

    @Option(names = "--param-order", paramLabel = "LABELS",
            description = "Predict with this param order (comma-separated labels; labels left out keep their places).")
    String paramOrder;

    @Option(names = "--work-order", paramLabel = "LABELS", description = "Predict with this work order.")
    String workOrder;

    @Option(names = "--groups", paramLabel = "GROUPS", description = "Predict with these fused launches, e.g. a+b,c+d ('-': none).")
    String groups;

    @Option(names = "--orders", paramLabel = "FILE",
            description = "Predict with the orders of a HOCON file (baton.optim.scatter-order, work-order, collective-groups), "
                    + "e.g. the one --tune wrote.")
    Path ordersFile;

    @Option(names = "--tune", description = "Search the orders for the shortest predicted step and write the best as a config file.")
    boolean tune;

    @Option(names = "--tune-groups", description = "With --tune: also fuse adjacent launches into groups.")
    boolean tuneGroups;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the heuristic search. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "20000",
            description = "Annealing steps when the search is not exhaustive. Default: ${DEFAULT-VALUE}.")
    int iterations;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Candidates to show. Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--world", paramLabel = "W,W...", description = "Project the step time at these world sizes, e.g. 1,2,4,8.")
    String worlds;

    @Option(names = "--sweep", paramLabel = "FILE", description = "A collectives sweep (baton-collectives 1) to fit the link with.")
    Path sweep;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the Gantt chart, the predicted Chrome trace and tuned orders go (default: replay/ next to the schedule).")
    Path out;

    @Option(names = "--path-rows", paramLabel = "N", defaultValue = "20",
            description = "Longest steps of the critical path to list. Default: ${DEFAULT-VALUE}.")
    int pathRows;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        try {
            ReplayInputs in = ReplayInputs.load(schedules, step, sweep);
            run(in, o);
            return ExitCodes.OK;
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage());
        } catch (IOException e) {
            return fail("cannot read or write " + e.getMessage());
        }
    }

    private void run(ReplayInputs in, PrintWriter o) throws IOException {
        StepShape shape = in.shape();
        int world = shape.world();
        Timeline recorded = in.recorded();
        o.printf(Locale.ROOT, "Step %d of %s: W=%d, %d micro-steps, %s step; %s%n", shape.step(), in.target(), world,
                shape.microSteps(), shape.adamStep() ? "Adam" : "NorMuon-only", link(in));
        o.printf(Locale.ROOT, "Orders: %s%n", OrderText.describe(shape.orders()));
        o.printf(Locale.ROOT, "%nRecorded step time %.3f ms%s%n", recorded.makespan() / 1000, in.similar().size() < 2 ? ""
                : String.format(Locale.ROOT, " (median of the %d recorded steps like it: %.3f ms)", in.similar().size(),
                in.similarMedian() / 1000));
        StepAnalysis recordedAnalysis = StepAnalysis.of(recorded);
        o.print(ReplayReport.streams(recordedAnalysis));
        o.print(ReplayReport.criticalPath(recordedAnalysis, pathRows));

        o.printf(Locale.ROOT, "%nCost model%n");
        o.print(ReplayReport.costModel(in.model(), in.recordings().size()));

        Timeline model = predict(shape, shape.orders(), in);
        o.printf(Locale.ROOT, "%nModel with the recorded orders: %.3f ms (%+.1f%% vs recorded%s)%n", model.makespan() / 1000,
                100 * (model.makespan() / recorded.makespan() - 1), in.similar().size() < 2 ? "" : String.format(Locale.ROOT,
                "; %+.1f%% vs the median", 100 * (model.makespan() / in.similarMedian() - 1)));
        List<GanttSvg.Panel> panels = new ArrayList<>();
        panels.add(new GanttSvg.Panel("recorded step " + shape.step(), recorded));
        panels.add(new GanttSvg.Panel("model, recorded orders", model));
        Timeline shown = model;

        ScheduleOrders given = givenOrders(shape.orders());
        if (given != null) {
            Timeline predicted = predict(shape, given, in);
            o.printf(Locale.ROOT, "%nPrediction for %s: %.3f ms (%+.1f%% vs the recorded orders' model)%n",
                    OrderText.describe(given), predicted.makespan() / 1000, 100 * (predicted.makespan() / model.makespan() - 1));
            StepAnalysis a = StepAnalysis.of(predicted);
            o.print(ReplayReport.streams(a));
            o.print(ReplayReport.criticalPath(a, pathRows));
            panels.add(new GanttSvg.Panel("predicted, given orders", predicted));
            shown = predicted;
        }
        Path dir = out != null ? out : in.target().toAbsolutePath().getParent().resolve("replay");
        if (tune) {
            ScheduleOrders start = given != null ? given : shape.orders();
            OrderTuner.Result r = OrderTuner.tune(shape, in.model(), start,
                    new OrderTuner.Options(seed, 50_000, iterations, tuneGroups, Math.max(1, top)));
            o.printf(Locale.ROOT, "%nTuned orders%n");
            o.print(ReplayReport.tuned(r));
            Path conf = dir.resolve("tuned-orders.conf");
            ConfigSnippet.write(conf, ConfigSnippet.of(r.best(), new Candidate(shape.orders(), model.makespan()),
                    "step " + shape.step() + " of " + in.target() + " (W=" + world + ")"));
            o.printf(Locale.ROOT, "  wrote %s (bin/baton train --config %s)%n", conf, conf);
            Timeline best = predict(shape, r.best().get(0).orders(), in);
            panels.add(new GanttSvg.Panel("predicted, tuned #1", best));
            if (given == null) {
                shown = best;
            }
        }
        if (worlds != null) {
            WorldProjection.Result p = WorldProjection.project(shape, in.model(), given != null ? given : shape.orders(),
                    parseWorlds(worlds));
            o.printf(Locale.ROOT, "%nWorld sizes (projected from W=%d)%n", world);
            o.print(ReplayReport.projection(p));
        }
        Files.createDirectories(dir);
        Path svg = dir.resolve(String.format(Locale.ROOT, "gantt-step-%08d.svg", shape.step()));
        GanttSvg.write(svg, panels);
        Path trace = dir.resolve(String.format(Locale.ROOT, "predicted-step-%08d.json", shape.step()));
        ChromeTrace.write(trace, shown.asExecuted(shape.step(), "predicted"));
        o.printf(Locale.ROOT, "%nWrote %s (Gantt chart: %s)%n", svg, String.join(", ",
                panels.stream().map(GanttSvg.Panel::title).toList()));
        o.printf(Locale.ROOT, "Wrote %s (Chrome trace of the %s step; open it in Perfetto)%n", trace,
                shown == model ? "modelled" : "predicted");
        o.flush();
    }

    private static Timeline predict(StepShape shape, ScheduleOrders orders, ReplayInputs in) {
        return StepSimulator.simulate(StepGraph.build(shape, orders), shape.world(), in.model());
    }

    /** The orders from --orders and the order options over the recorded ones, or null when none was given. */
    ScheduleOrders givenOrders(ScheduleOrders recorded) {
        if (ordersFile == null && paramOrder == null && workOrder == null && groups == null) {
            return null;
        }
        List<String> scatter = recorded.paramOrder();
        List<String> work = recorded.workOrder();
        List<List<String>> g = recorded.groups();
        if (ordersFile != null) {
            Config c = readOrders(ordersFile);
            if (c.hasPath(ConfigSnippet.SCATTER_ORDER)) {
                scatter = OrderText.complete(c.getStringList(ConfigSnippet.SCATTER_ORDER), recorded.paramOrder(),
                        ordersFile + ": " + ConfigSnippet.SCATTER_ORDER);
            }
            if (c.hasPath(ConfigSnippet.WORK_ORDER)) {
                work = OrderText.complete(c.getStringList(ConfigSnippet.WORK_ORDER), recorded.workOrder(),
                        ordersFile + ": " + ConfigSnippet.WORK_ORDER);
            }
            if (c.hasPath(ConfigSnippet.COLLECTIVE_GROUPS)) {
                g = new ArrayList<>();
                for (Object group : c.getList(ConfigSnippet.COLLECTIVE_GROUPS).unwrapped()) {
                    if (!(group instanceof List<?> members)) {
                        throw new IllegalArgumentException(ordersFile + ": " + ConfigSnippet.COLLECTIVE_GROUPS
                                + " must be a list of lists of labels");
                    }
                    g.add(members.stream().map(String::valueOf).toList());
                }
            }
        }
        if (paramOrder != null) {
            scatter = OrderText.complete(OrderText.labels(paramOrder), recorded.paramOrder(), "--param-order");
        }
        if (workOrder != null) {
            work = OrderText.complete(OrderText.labels(workOrder), recorded.workOrder(), "--work-order");
        }
        if (groups != null) {
            g = OrderText.groups(groups);
        }
        Set<String> grouped = new HashSet<>();
        for (List<String> group : g) {
            for (String label : group) {
                if (!recorded.paramOrder().contains(label)) {
                    throw new IllegalArgumentException("collective group " + String.join("+", group) + " names '" + label
                            + "', which is not a label of this run; labels: " + String.join(",", recorded.paramOrder()));
                }
                if (!grouped.add(label)) {
                    throw new IllegalArgumentException("label '" + label + "' is in two collective groups");
                }
            }
        }
        return new ScheduleOrders(scatter, work, g);
    }

    private static Config readOrders(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("orders file not found: " + file);
        }
        try {
            return ConfigFactory.parseFile(file.toFile()).resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("cannot read orders file " + file + ": " + e.getMessage().lines().findFirst()
                    .orElse(""), e);
        }
    }

    static List<Integer> parseWorlds(String csv) {
        try {
            List<Integer> out = Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .map(Integer::parseInt).toList();
            if (out.isEmpty()) {
                throw new NumberFormatException("empty");
            }
            return out;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--world expects world sizes like 1,2,4,8, got '" + csv + "'");
        }
    }

    private static String link(ReplayInputs in) {
        String lat = in.targetFile().header().getOrDefault("link_latency_ns", "0").strip();
        String bw = in.targetFile().header().getOrDefault("link_bytes_per_second", "0").strip();
        try {
            double latency = Double.parseDouble(lat);
            double bytes = Double.parseDouble(bw);
            if (latency == 0 && bytes == 0) {
                return "no simulated link";
            }
            return String.format(Locale.ROOT, "simulated link %.0f µs per launch, %s", latency / 1000,
                    bytes == 0 ? "unlimited bandwidth" : String.format(Locale.ROOT, "%.1f MB/s", bytes / 1e6));
        } catch (NumberFormatException e) {
            return "link " + lat + " ns, " + bw + " B/s";
        }
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("baton replay: " + message);
        return ExitCodes.USAGE;
    }
}
