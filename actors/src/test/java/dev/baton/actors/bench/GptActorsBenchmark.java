package dev.baton.actors.bench;

import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.run.DeviceBackend;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.ExecutedCommand;
import dev.baton.actors.training.GptPass;
import dev.baton.actors.training.GptWorkFactory;
import dev.baton.actors.training.LoaderBatchSource;
import dev.baton.actors.training.MlpBankPadding;
import dev.baton.actors.worker.StepTimings;
import dev.baton.actors.worker.StreamFactory;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.StepPlan;
import dev.baton.runtime.data.demo.DemoCorpus;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Figures of issue 5 on the real model (a benchmark, not a test): the tiny-cpu profile's GPT on
 * the King James corpus, its first steps (2048 tokens each) through the actor runtime.
 * (1) Scheduling overhead: one device through the actors against the same work in a plain loop
 * ({@code Gpt} + {@code NorMuonAndAdam.step}), and at W = 2 the step time the busiest compute
 * stream does not explain. (2) With a simulated link, the step time against compute plus link
 * time, and how much of the link time the overlap hides.
 *
 * <p>Columns: step = wall time from the scheduler's step message to every worker's StepDone;
 * compute = the busiest rank's compute-stream busy time (forward/backward, updates, tie copies);
 * comm_busy = its comm-stream busy time, which includes waiting inside a collective for the peer;
 * link = the simulated link's time of every launch of the step (latency + ring bytes / bandwidth);
 * not_computing = step − compute: scheduling, messages, stream hand-offs, exposed communication.
 * The gradient collectives start once the whole backward is done, so only the optimizer phase
 * (updates in work order while later collectives and gathers run) can hide communication; the
 * table compares the record's work order (small parameters first, whose collectives queue behind
 * the banks' reduce-scatters on the one comm stream) with the banks updated first.
 * Run: java --add-modules=jdk.incubator.vector -cp (test-classes:classes:deps) dev.baton.actors.bench.GptActorsBenchmark [steps]
 */
public final class GptActorsBenchmark {
    private static final int WARMUP = 2;

    private GptActorsBenchmark() {
    }

    /** Means over the measured steps, in ms; link = Σ of the simulated link's time of every launch of a step. */
    private record Figures(double wall, double compute, double comm, double link, List<Double> losses) {
    }

    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.printf("machine: %d cores (shared with other helpers' builds), load average %s, java %s, %s%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.version"),
                System.getProperty("os.arch"));
        TinyCpuProfile p = TinyCpuProfile.load();
        Path work = Files.createTempDirectory("baton-bench");
        Tokenizer tokenizer = Tokenizer.named(p.tokenizer());
        Path data = DemoCorpus.prepare(work, tokenizer, n -> ProgressBar.silent());
        ShardSet train = ShardSet.inDirectory(data, "train");
        TrainingSchedule schedule = new TrainingSchedule(p.schedule());
        int slices = p.devices() * p.gradAccum();
        int maxTokens = GptWorkFactory.microBatchTokens(p.schedule(), 0, slices);
        GptWorkFactory factory = new GptWorkFactory(p.model(), ParamTable.record(), schedule, AdamConfig.record(),
                NorMuonConfig.record(), 0, maxTokens, 1);
        LoaderOptions loader = LoaderOptions.record(p.maxSeqLen(), tokenizer.bosId());
        System.out.printf("tiny-cpu: d=%d, %d layers, vocab %d, %d tokens per step (%d slices of %d), steps %d..%d measured, "
                        + "1 compute thread per device%n", p.model().modelDim(), p.model().numLayers(), p.model().vocabSize(),
                schedule.batchTokens(0), slices, schedule.batchTokens(0) / slices, WARMUP, steps - 1);

        Figures direct = direct(p.model(), factory, schedule, train, loader, slices, steps);
        Figures one = actors(factory, schedule, train, loader, slices, RunSettings.defaults(1, steps));
        Figures two = actors(factory, schedule, train, loader, slices, RunSettings.defaults(2, steps));
        System.out.println();
        System.out.println("== scheduling overhead (no simulated link)");
        System.out.println("run                          step_ms  compute_ms  comm_busy_ms  not_computing_ms  share_of_step");
        row("plain loop, 1 device", direct, direct.wall() - direct.compute());
        row("actors, W=1", one, one.wall() - one.compute());
        row("actors, W=2", two, two.wall() - two.compute());
        System.out.printf("actors W=1 vs plain loop: %+.1f ms per step (%.2f%% of the step); same losses: %s%n",
                one.wall() - direct.wall(), 100 * (one.wall() - direct.wall()) / one.wall(), one.losses().equals(direct.losses()));

        System.out.println();
        System.out.println("== overlap with a simulated link, W=2 (hidden = (compute + link - step) / link, within each run)");
        System.out.println("link                    work order    step_ms  compute_ms  link_ms  compute+link_ms  not_computing_ms  hidden_%");
        ParamTable table = ParamTable.record();
        List<String> banksFirst = new ArrayList<>(List.of("attn", "mlp"));
        table.workOrder().stream().filter(l -> !banksFirst.contains(l)).forEach(banksFirst::add);
        ScheduleOrders record = ScheduleOrders.of(table);
        ScheduleOrders banks = new ScheduleOrders(table.scatterOrder(), banksFirst, List.of());
        LinkModel profileLink = RunSettings.fromConfig(p.root()).link();
        LinkModel slow = LinkModel.of(Duration.ofNanos(50_000), 0.01e9);
        LinkModel slower = LinkModel.of(Duration.ofNanos(50_000), 0.004e9);
        for (Object[] c : new Object[][] {{profileLink, record}, {slow, record}, {slow, banks}, {slower, record}, {slower, banks}}) {
            LinkModel link = (LinkModel) c[0];
            ScheduleOrders orders = (ScheduleOrders) c[1];
            Figures f = actors(factory, schedule, train, loader, slices, RunSettings.defaults(2, steps).withLink(link)
                    .withOrders(orders));
            System.out.printf("%4.0f us + %5.3f GB/s  %-11s %8.1f  %10.1f  %7.1f  %15.1f  %16.1f  %8.0f%n",
                    link.latencyNanos() / 1e3, link.bytesPerSecond() / 1e9, orders == banks ? "banks first" : "record",
                    f.wall(), f.compute(), f.link(), f.compute() + f.link(), f.wall() - f.compute(),
                    100 * (f.compute() + f.link() - f.wall()) / f.link());
        }
        System.out.printf("load average after: %s%n", loadAverage());
    }

    private static void row(String name, Figures f, double notComputing) {
        System.out.printf("%-26s %8.1f  %10.1f  %12.1f  %16.1f  %12.1f%%%n", name, f.wall(), f.compute(), f.comm(), notComputing,
                100 * notComputing / f.wall());
    }

    /** The same work without actors: GptPass per slice, then the optimizer's own step, on one thread. */
    private static Figures direct(GptConfig model, GptWorkFactory factory, TrainingSchedule schedule, ShardSet train,
                                  LoaderOptions options, int slices, int steps) {
        List<Double> wall = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        try (CpuOps ops = new CpuOps(1); ParamSet ps = GptParams.create(ops, model, MlpBankPadding.layers(model, 1), 0);
             CpuOptimizerKernels kernels = new CpuOptimizerKernels(1);
             NorMuonAndAdam opt = new NorMuonAndAdam(ParamTable.record(), ps, ops, kernels, AdamConfig.record(),
                     NorMuonConfig.record(), ShardAssignment.single(), schedule.splitStep());
             GptPass pass = new GptPass(new Gpt(ops, model, ps, factory.maxTokens()), ops, schedule)) {
            BatchLoader loader = new BatchLoader(train, 1, slices, options, LoaderState.START);
            for (int step = 0; step < steps; step++) {
                StepPlan plan = loader.nextStep(schedule.batchTokens(step));
                long t0 = System.nanoTime();
                double loss = 0;
                for (int a = 0; a < plan.accumSteps(); a++) {
                    loss += pass.forwardBackward(plan.batch(a, 0), 1f / plan.accumSteps(), step);
                }
                opt.step(step, schedule.lrFactor(step), schedule.momentum(step), schedule.isAdamStep(step));
                wall.add((System.nanoTime() - t0) / 1e6);
                losses.add(loss);
            }
        }
        double w = mean(wall.subList(WARMUP, steps));
        return new Figures(w, w, 0, 0, losses);
    }

    private static Figures actors(GptWorkFactory factory, TrainingSchedule schedule, ShardSet train, LoaderOptions options,
                                  int slices, RunSettings settings) {
        int world = settings.world();
        List<StepReport> reports = new CopyOnWriteArrayList<>();
        Map<Long, Long> linkNanos = new ConcurrentHashMap<>();
        DeviceBackend cpu = DeviceBackend.cpu();
        DeviceBackend observed = new DeviceBackend() {
            @Override
            public String deviceName(int rank) {
                return cpu.deviceName(rank);
            }

            @Override
            public StreamFactory streams(RunSettings s) {
                StreamFactory base = cpu.streams(s);
                return (device, rank, name, observer) -> base.create(device, rank, name, c -> {
                    observer.executed(c);
                    count(c, rank, s.link(), world, linkNanos);
                });
            }

            @Override
            public dev.baton.actors.collective.Collectives collectives(RunSettings s) {
                return cpu.collectives(s);
            }
        };
        LoaderBatchSource data = new LoaderBatchSource(state -> new BatchLoader(train, world, slices / world, options, state),
                schedule, null, 0);
        RunResult r;
        try (TrainingRun run = TrainingRun.start(settings, factory.workload(data), observed, new RunListener() {
            @Override
            public void stepDone(StepReport report) {
                reports.add(report);
            }
        })) {
            r = run.await(Duration.ofMinutes(10));
        }
        if (r.status() != RunResult.Status.COMPLETED) {
            throw new IllegalStateException("the benchmark run failed: " + r.message());
        }
        List<StepReport> measured = reports.subList(WARMUP, reports.size());
        return new Figures(mean(measured.stream().map(x -> x.wallNanos() / 1e6).toList()),
                mean(measured.stream().map(x -> x.workers().stream().mapToLong(StepTimings::computeBusyNanos).max().orElse(0) / 1e6).toList()),
                mean(measured.stream().map(x -> x.workers().stream().mapToLong(StepTimings::commBusyNanos).max().orElse(0) / 1e6).toList()),
                mean(measured.stream().map(x -> linkNanos.getOrDefault(x.step(), 0L) / 1e6).toList()),
                reports.stream().map(StepReport::loss).toList());
    }

    /** Adds the simulated link's time of rank 0's launches to their step. */
    private static void count(ExecutedCommand c, int rank, LinkModel link, int world, Map<Long, Long> linkNanos) {
        if (rank == 0 && c.info().kind().communication() && c.info().step() >= 0) {
            linkNanos.merge(c.info().step(), link.durationNanos(c.info().bytes(), world), Long::sum);
        }
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
