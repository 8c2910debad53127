package dev.baton.actors.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A discrete-event simulation of one step on W workers with the runtime's semantics: each
 * stream runs its commands in order; a command starts once its stream predecessor has ended and
 * every event it waits for has fired (plus the calibrated stream overheads); a collective starts
 * moving data when the last rank has launched it on a free comm stream, and ends on every rank
 * together after its calibrated duration. The first compute command of each rank starts at the
 * rank's calibrated release time. Deterministic: the same graph and model give the same timeline.
 */
public final class StepSimulator {
    private static final String[] STREAMS = {StepGraph.COMPUTE, StepGraph.COMM};

    private StepSimulator() {
    }

    /** The predicted timeline of {@code graph} on {@code world} ranks. */
    public static Timeline simulate(StepGraph graph, int world, CostModel cost) {
        return timeline(graph, world, cost);
    }

    /** Only the predicted step time (the tuner's inner loop: no timeline is built). */
    public static double makespan(StepGraph graph, int world, CostModel cost) {
        double[][][] ends = new double[world][2][];
        run(graph, world, cost, ends);
        double t = 0;
        for (double[][] rank : ends) {
            for (double[] stream : rank) {
                for (double e : stream) {
                    t = Math.max(t, e);
                }
            }
        }
        return t;
    }

    private static Timeline timeline(StepGraph graph, int world, CostModel cost) {
        double[][][] ends = new double[world][2][];
        double[][][] starts = run(graph, world, cost, ends);
        List<TimedCommand> out = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            for (int s = 0; s < 2; s++) {
                List<PlannedCommand> cmds = graph.stream(STREAMS[s]);
                for (int i = 0; i < cmds.size(); i++) {
                    PlannedCommand c = cmds.get(i);
                    out.add(new TimedCommand(r, c.stream(), i, c.kind(), c.param(), c.bytes(), c.collective(), 0,
                            starts[r][s][i], ends[r][s][i], c.waits()));
                }
            }
        }
        return new Timeline(world, out);
    }

    private static double[][][] run(StepGraph graph, int world, CostModel cost, double[][][] ends) {
        List<PlannedCommand> compute = graph.compute();
        List<PlannedCommand> comm = graph.comm();
        int[] size = {compute.size(), comm.size()};
        double[][][] starts = new double[world][2][];
        for (int r = 0; r < world; r++) {
            for (int s = 0; s < 2; s++) {
                ends[r][s] = new double[size[s]];
                starts[r][s] = new double[size[s]];
            }
        }
        // everything the inner loop needs, looked up once: durations, overheads, waits as (stream, index)
        double[][] computeMicros = new double[world][size[0]];
        double[] release = new double[world];
        for (int r = 0; r < world; r++) {
            release[r] = cost.release(r);
            for (int i = 0; i < size[0]; i++) {
                computeMicros[r][i] = cost.computeMicros(compute.get(i).kind(), compute.get(i).param(), r);
            }
        }
        double[] launchMicros = new double[size[1]];
        for (int k = 0; k < size[1]; k++) {
            PlannedCommand c = comm.get(k);
            launchMicros[k] = cost.collectiveMicros(c.kind(), c.param(), c.bytes(), world);
        }
        double[] next = {cost.nextGap(StepGraph.COMPUTE), cost.nextGap(StepGraph.COMM)};
        double[] wake = {cost.wakeGap(StepGraph.COMPUTE), cost.wakeGap(StepGraph.COMM)};
        int[][][] waits = {waits(compute), waits(comm)};
        int[][] pos = new int[world][2];
        int[] arrived = new int[size[1]];
        boolean[][] hasArrived = new boolean[world][size[1]];
        int remaining = world * (size[0] + size[1]);
        boolean progress = true;
        while (remaining > 0 && progress) {
            progress = false;
            for (int r = 0; r < world; r++) {
                // compute: run every command whose events have fired
                while (pos[r][0] < size[0]) {
                    int i = pos[r][0];
                    double ready = i == 0 ? release[r] : ready(waits[0][i], r, 0, i, ends, pos, next, wake, release);
                    if (Double.isNaN(ready)) {
                        break;
                    }
                    starts[r][0][i] = ready;
                    ends[r][0][i] = ready + computeMicros[r][i];
                    pos[r][0]++;
                    remaining--;
                    progress = true;
                }
                // comm: arrive at the next collective once its events have fired
                int k = pos[r][1];
                if (k < size[1] && !hasArrived[r][k]) {
                    double ready = ready(waits[1][k], r, 1, k, ends, pos, next, wake, release);
                    if (!Double.isNaN(ready)) {
                        starts[r][1][k] = ready;
                        hasArrived[r][k] = true;
                        progress = true;
                        if (++arrived[k] == world) {
                            double launch = 0;
                            for (int q = 0; q < world; q++) {
                                launch = Math.max(launch, starts[q][1][k]);
                            }
                            for (int q = 0; q < world; q++) {
                                ends[q][1][k] = launch + launchMicros[k];
                                pos[q][1]++;
                                remaining--;
                            }
                        }
                    }
                }
            }
        }
        if (remaining > 0) {
            throw new IllegalStateException("the planned step deadlocks: " + stuck(graph, pos, world));
        }
        return starts;
    }

    /** Each command's waits as pairs {stream, index} (0 = compute, 1 = comm), flattened. */
    private static int[][] waits(List<PlannedCommand> cmds) {
        int[][] out = new int[cmds.size()][];
        for (int i = 0; i < cmds.size(); i++) {
            List<StreamRef> w = cmds.get(i).waits();
            out[i] = new int[2 * w.size()];
            for (int j = 0; j < w.size(); j++) {
                out[i][2 * j] = w.get(j).stream().equals(StepGraph.COMPUTE) ? 0 : 1;
                out[i][2 * j + 1] = w.get(j).index();
            }
        }
        return out;
    }

    /**
     * When command {@code i} of stream {@code s} can start on rank {@code r}, or NaN while an event
     * has not fired: after its predecessor plus the stream's overhead, or after the last event plus
     * a wake-up when that came later; the rank's release when it follows nothing in the step.
     */
    private static double ready(int[] waits, int r, int s, int i, double[][][] ends, int[][] pos, double[] next,
                                double[] wake, double[] release) {
        double p = i > 0 ? ends[r][s][i - 1] : Double.NEGATIVE_INFINITY;
        double d = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < waits.length; j += 2) {
            int ws = waits[j];
            int wi = waits[j + 1];
            if (wi >= pos[r][ws]) {
                return Double.NaN;
            }
            d = Math.max(d, ends[r][ws][wi]);
        }
        if (p == Double.NEGATIVE_INFINITY && d == Double.NEGATIVE_INFINITY) {
            return release[r];
        }
        return d > p ? Math.max(d + wake[s], p + next[s]) : p + next[s];
    }

    private static String stuck(StepGraph graph, int[][] pos, int world) {
        List<String> heads = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            for (int s = 0; s < 2; s++) {
                List<PlannedCommand> cmds = graph.stream(STREAMS[s]);
                if (pos[r][s] < cmds.size()) {
                    PlannedCommand c = cmds.get(pos[r][s]);
                    heads.add("rank " + r + " " + STREAMS[s] + " at " + c.kind().wireName() + " " + c.param()
                            + " waiting for " + Arrays.toString(c.waits().toArray()));
                }
            }
        }
        return String.join("; ", heads);
    }
}
