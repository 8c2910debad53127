package dev.baton.actors.bench;

import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInRun;
import dev.baton.actors.worker.StepTimings;

import java.time.Duration;
import java.util.List;

/**
 * Prints the figures of the actor runtime on the stand-in workload (a benchmark, not a test):
 * (1) the scheduling overhead per step with (almost) no work: step wall time minus the busiest
 * stream's busy time, per world size; (2) with pretend compute and a simulated link, the step
 * time against compute + communication, i.e. how much communication the overlap hides.
 * Run: java -cp <test-classes:classes:deps> dev.baton.actors.bench.SchedulingOverheadBenchmark
 */
public final class SchedulingOverheadBenchmark {
    private SchedulingOverheadBenchmark() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        System.out.printf("cores=%d java=%s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println("== overhead: stand-in with no pretend compute (6 params, 24 sequences of 16 tokens per step)");
        System.out.println("W  micro  commands/rank  wall_ms(median)  busiest_stream_ms  overhead_ms  overhead_us/command");
        for (int w : new int[] {1, 2, 4, 8}) {
            List<StepReport> r = StandInRun.run(RunSettings.defaults(w, steps), StandInConfig.small()).reports();
            List<StepReport> tail = r.subList(r.size() / 3, r.size()); // skip JIT warm-up
            double wall = median(tail.stream().mapToDouble(x -> x.wallNanos() / 1e6).toArray());
            double busy = median(tail.stream().mapToDouble(x -> busiest(x.workers()) / 1e6).toArray());
            int micro = 24 / w;
            int commands = commandsPerRank(micro);
            System.out.printf("%d  %5d  %13d  %15.3f  %17.3f  %11.3f  %19.1f%n", w, micro, commands, wall, busy, wall - busy,
                    (wall - busy) * 1000 / commands);
        }
        System.out.println("== overlap: 1 ms per forward+backward, 2 ms per update, link 1 ms + 2 MB/s");
        System.out.println("W  wall_ms  compute_busy_ms  comm_busy_ms  compute+comm_ms  hidden_comm_%  overhead_ms");
        for (int w : new int[] {2, 4}) {
            StandInConfig c = StandInConfig.small().withCosts(1_000_000, 2_000_000);
            RunSettings s = RunSettings.defaults(w, Math.max(12, steps / 4)).withLink(LinkModel.of(Duration.ofMillis(1), 2e6));
            List<StepReport> r = StandInRun.run(s, c).reports();
            List<StepReport> tail = r.subList(r.size() / 3, r.size());
            double wall = median(tail.stream().mapToDouble(x -> x.wallNanos() / 1e6).toArray());
            double comp = median(tail.stream().mapToDouble(x -> x.workers().stream().mapToLong(StepTimings::computeBusyNanos).max().orElse(0) / 1e6).toArray());
            double comm = median(tail.stream().mapToDouble(x -> x.workers().stream().mapToLong(StepTimings::commBusyNanos).max().orElse(0) / 1e6).toArray());
            double hidden = 100 * (comp + comm - wall) / comm;
            System.out.printf("%d  %7.2f  %15.2f  %12.2f  %15.2f  %13.1f  %11.2f%n", w, wall, comp, comm, comp + comm, hidden,
                    wall - Math.max(comp, comm));
        }
    }

    private static long busiest(List<StepTimings> t) {
        return t.stream().mapToLong(x -> Math.max(x.computeBusyNanos(), x.commBusyNanos())).max().orElse(0);
    }

    /** Commands per rank of an average step (half Adam, tied) of the stand-in: see ScheduleRecorderTest. */
    private static int commandsPerRank(int micro) {
        int even = micro + 2 + 2 + 4;
        int odd = micro + 1 + 5 + 3 + 9;
        return (even + odd) / 2;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s[s.length / 2];
    }
}
