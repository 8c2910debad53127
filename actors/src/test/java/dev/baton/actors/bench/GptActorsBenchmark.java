package dev.baton.actors.bench;

import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.run.DeviceBackend;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.stream.ExecutedCommand;
import dev.baton.runtime.train.GptPass;
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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
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
 * updates = rank 0's optimizer-update commands, the compute that communication can overlap;
 * not_computing = step − compute: scheduling, messages, stream hand-offs, exposed communication;
 * cpu = CPU time of the whole JVM per step (GC and JIT included), which other processes do not inflate;
 * actor_cpu = the CPU of the threads that are not streams (actor dispatchers, Pekko's scheduler):
 * the scheduling work itself, per step.
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
    private record Figures(double wall, double compute, double comm, double link, double updates, double cpu,
                           double actorCpu, String actorThreads, List<Double> losses) {
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

        // a short run first, so that neither measured path pays for compiling the code both use
        actors(factory, schedule, train, loader, slices, RunSettings.defaults(2, WARMUP + 1));
        Figures direct = direct(p.model(), factory, schedule, train, loader, slices, steps);
        Figures one = actors(factory, schedule, train, loader, slices, RunSettings.defaults(1, steps));
        Figures two = actors(factory, schedule, train, loader, slices, RunSettings.defaults(2, steps));
        System.out.println();
        System.out.println("== scheduling overhead (no simulated link)");
        System.out.println("run                          step_ms  compute_ms  comm_busy_ms  not_computing_ms  share_of_step  cpu_ms  actor_cpu_ms  share_of_cpu");
        row("plain loop, 1 device", direct, direct.wall() - direct.compute());
        row("actors, W=1", one, one.wall() - one.compute());
        row("actors, W=2", two, two.wall() - two.compute());
        System.out.println("actor_cpu by thread, W=1 (ms/step): " + one.actorThreads());
        System.out.println("actor_cpu by thread, W=2 (ms/step): " + two.actorThreads());
        System.out.printf("actors W=1 vs plain loop: %+.1f ms CPU per step (%+.2f%%), %+.1f ms wall per step (%+.2f%%, load-sensitive); "
                        + "same losses: %s%n", one.cpu() - direct.cpu(), 100 * (one.cpu() - direct.cpu()) / direct.cpu(),
                one.wall() - direct.wall(), 100 * (one.wall() - direct.wall()) / direct.wall(), one.losses().equals(direct.losses()));

        System.out.println();
        System.out.println("== overlap with a simulated link, W=2 (hidden = (compute + link - step) / link, within each run)");
        System.out.println("link                  work order   step_ms  compute_ms  updates_ms  link_ms  compute+link_ms  not_computing_ms  hidden_%");
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
            System.out.printf("%3.0f us + %5.3f GB/s  %-11s %8.1f  %10.1f  %10.1f  %7.1f  %15.1f  %16.1f  %8.0f%n",
                    link.latencyNanos() / 1e3, link.bytesPerSecond() / 1e9, orders == banks ? "banks first" : "record",
                    f.wall(), f.compute(), f.updates(), f.link(), f.compute() + f.link(), f.wall() - f.compute(),
                    100 * (f.compute() + f.link() - f.wall()) / f.link());
        }
        System.out.printf("load average after: %s%n", loadAverage());
    }

    private static void row(String name, Figures f, double notComputing) {
        System.out.printf("%-26s %8.1f  %10.1f  %12.1f  %16.1f  %12.1f%%  %6.1f  %12.2f  %11.2f%%%n", name, f.wall(), f.compute(),
                f.comm(), notComputing, 100 * notComputing / f.wall(), f.cpu(), f.actorCpu(), 100 * f.actorCpu() / f.cpu());
    }

    /** The same work without actors: GptPass per slice, then the optimizer's own step, on one thread. */
    private static Figures direct(GptConfig model, GptWorkFactory factory, TrainingSchedule schedule, ShardSet train,
                                  LoaderOptions options, int slices, int steps) {
        List<Double> wall = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        double cpu;
        try (CpuOps ops = new CpuOps(1); ParamSet ps = GptParams.create(ops, model, MlpBankPadding.layers(model, 1), 0);
             CpuOptimizerKernels kernels = new CpuOptimizerKernels(1);
             NorMuonAndAdam opt = new NorMuonAndAdam(ParamTable.record(), ps, ops, kernels, AdamConfig.record(),
                     NorMuonConfig.record(), ShardAssignment.single(), schedule.splitStep());
             GptPass pass = new GptPass(new Gpt(ops, model, ps, factory.maxTokens()), ops, schedule)) {
            BatchLoader loader = new BatchLoader(train, 1, slices, options, LoaderState.START);
            long cpu0 = 0;
            for (int step = 0; step < steps; step++) {
                if (step == WARMUP) {
                    cpu0 = processCpuNanos();
                }
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
            cpu = (processCpuNanos() - cpu0) / 1e6 / (steps - WARMUP);
        }
        double w = mean(wall.subList(WARMUP, steps));
        return new Figures(w, w, 0, 0, Double.NaN, cpu, 0, "", losses);
    }

    private static Figures actors(GptWorkFactory factory, TrainingSchedule schedule, ShardSet train, LoaderOptions options,
                                  int slices, RunSettings settings) {
        int world = settings.world();
        List<StepReport> reports = new CopyOnWriteArrayList<>();
        Map<Long, Long> linkNanos = new ConcurrentHashMap<>();
        Map<Long, Long> updateNanos = new ConcurrentHashMap<>();
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
                    count(c, rank, s.link(), world, linkNanos, updateNanos);
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
        long[] cpuAtWarm = new long[1];
        Map<Long, ThreadCpu> threadsAtWarm = new ConcurrentHashMap<>();
        Map<Long, ThreadCpu> threadsAtEnd = new ConcurrentHashMap<>();
        long cpuAtEnd;
        try (TrainingRun run = TrainingRun.start(settings, factory.workload(data), observed, new RunListener() {
            @Override
            public void stepDone(StepReport report) {
                if (report.step() == WARMUP - 1) {
                    cpuAtWarm[0] = processCpuNanos();
                    threadsAtWarm.putAll(threadCpuNanos());
                } else if (report.step() == settings.steps() - 1) {
                    threadsAtEnd.putAll(threadCpuNanos());
                }
                reports.add(report);
            }
        })) {
            r = run.await(Duration.ofMinutes(10));
            cpuAtEnd = processCpuNanos();
        }
        if (r.status() != RunResult.Status.COMPLETED) {
            throw new IllegalStateException("the benchmark run failed: " + r.message());
        }
        List<StepReport> measured = reports.subList(WARMUP, reports.size());
        return new Figures(mean(measured.stream().map(x -> x.wallNanos() / 1e6).toList()),
                mean(measured.stream().map(x -> x.workers().stream().mapToLong(StepTimings::computeBusyNanos).max().orElse(0) / 1e6).toList()),
                mean(measured.stream().map(x -> x.workers().stream().mapToLong(StepTimings::commBusyNanos).max().orElse(0) / 1e6).toList()),
                mean(measured.stream().map(x -> linkNanos.getOrDefault(x.step(), 0L) / 1e6).toList()),
                mean(measured.stream().map(x -> updateNanos.getOrDefault(x.step(), 0L) / 1e6).toList()),
                (cpuAtEnd - cpuAtWarm[0]) / 1e6 / measured.size(),
                actorCpu(threadsAtWarm, threadsAtEnd, null) / 1e6 / measured.size(),
                byThread(threadsAtWarm, threadsAtEnd, measured.size()),
                reports.stream().map(StepReport::loss).toList());
    }

    /** Adds the simulated link's time of rank 0's launches, and its update commands' time, to their step. */
    private static void count(ExecutedCommand c, int rank, LinkModel link, int world, Map<Long, Long> linkNanos,
                              Map<Long, Long> updateNanos) {
        if (rank != 0 || c.info().step() < 0) {
            return;
        }
        if (c.info().kind().communication()) {
            linkNanos.merge(c.info().step(), link.durationNanos(c.info().bytes(), world), Long::sum);
        } else if (c.info().kind() == CommandKind.UPDATE) {
            updateNanos.merge(c.info().step(), c.durationNanos(), Long::sum);
        }
    }

    private record ThreadCpu(String name, long nanos) {
    }

    /** CPU time of every live thread, by id. */
    private static Map<Long, ThreadCpu> threadCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, ThreadCpu> out = new java.util.HashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null) {
                long cpu = mx.getThreadCpuTime(t.getThreadId());
                if (cpu >= 0) {
                    out.put(t.getThreadId(), new ThreadCpu(t.getThreadName(), cpu));
                }
            }
        }
        return out;
    }

    /**
     * CPU spent between two snapshots by the threads that are not streams (stream threads are named
     * "baton-cpu-R-compute" / "-comm" and run the work): the actors' dispatchers, Pekko's scheduler,
     * the caller. JIT and GC threads are not Java threads and do not count.
     */
    private static long actorCpu(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, Map<String, Long> byName) {
        long sum = 0;
        for (Map.Entry<Long, ThreadCpu> e : after.entrySet()) {
            String name = e.getValue().name();
            if (name.startsWith("baton-cpu-") || name.equals("main")) {
                continue; // streams do the work; the main thread only waits for the run
            }
            ThreadCpu b = before.get(e.getKey());
            long d = e.getValue().nanos() - (b == null ? 0 : b.nanos());
            sum += d;
            if (byName != null) {
                byName.merge(name.replaceAll("-\\d+$", ""), d, Long::sum);
            }
        }
        return sum;
    }

    /** The non-stream threads' CPU per step by thread name (numbers stripped), largest first. */
    private static String byThread(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, int steps) {
        Map<String, Long> byName = new java.util.HashMap<>();
        actorCpu(before, after, byName);
        StringBuilder b = new StringBuilder();
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() / 1e6 / steps >= 0.05)
                .forEach(e -> b.append(String.format("%s%s %.2f", b.length() == 0 ? "" : ", ", e.getKey(), e.getValue() / 1e6 / steps)));
        return b.toString();
    }

    /** CPU time of the whole JVM: unlike wall time it does not grow when other processes take the cores. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
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
