package dev.baton.actors.replay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a step's timeline says: its step time, where each stream's time went, and the critical
 * path (the chain of commands and waits whose durations add up to the step time). Built by
 * {@link #of(Timeline)} for recorded and predicted timelines alike.
 */
public record StepAnalysis(double makespan, List<LaneStats> lanes, List<PathStep> criticalPath) {
    public StepAnalysis {
        lanes = List.copyOf(lanes);
        criticalPath = List.copyOf(criticalPath);
    }

    public static StepAnalysis of(Timeline t) {
        double span = t.makespan();
        List<LaneStats> lanes = new ArrayList<>();
        for (int r = 0; r < t.world(); r++) {
            List<double[]> computeBusy = intervals(t.lane(r, StepGraph.COMPUTE));
            for (String s : t.streams()) {
                List<TimedCommand> lane = t.lane(r, s);
                List<double[]> busy = intervals(lane);
                double rendezvous = 0;
                for (TimedCommand c : lane) {
                    if (c.collective() >= 0) {
                        rendezvous += Math.max(0, t.launch(c.collective()) - c.start());
                    }
                }
                double exposed = s.equals(StepGraph.COMPUTE) ? 0 : length(busy) - overlap(busy, computeBusy);
                lanes.add(new LaneStats(r, s, lane.size(), length(busy), span - length(busy), rendezvous, exposed));
            }
        }
        return new StepAnalysis(span, lanes, criticalPath(t));
    }

    /** The chain of commands that set the step time, first to last. */
    static List<PathStep> criticalPath(Timeline t) {
        TimedCommand cur = t.commands().stream().max(Comparator.comparingDouble(TimedCommand::end)).orElse(null);
        List<PathStep> path = new ArrayList<>();
        while (cur != null) {
            TimedCommand bound = cur;
            double start = cur.start();
            if (cur.collective() >= 0) {
                for (TimedCommand peer : t.collective(cur.collective())) {
                    if (peer.start() > bound.start()) {
                        bound = peer;
                    }
                }
                start = bound.start();
            }
            TimedCommand pred = null;
            TimedCommand prev = t.previous(bound);
            if (prev != null) {
                pred = prev;
            }
            for (StreamRef w : bound.waits()) {
                TimedCommand dep = t.resolve(bound.rank(), w);
                if (dep != null && (pred == null || dep.end() > pred.end())) {
                    pred = dep;
                }
            }
            double from = pred == null ? 0 : Math.min(pred.end(), start);
            path.add(new PathStep(cur, start, Math.max(start, cur.end()), start - from, bound.rank()));
            cur = pred;
        }
        List<PathStep> forward = new ArrayList<>();
        for (int i = path.size() - 1; i >= 0; i--) {
            forward.add(path.get(i));
        }
        return forward;
    }

    /** Time on the critical path by command kind, plus "waits" for the gaps between them. */
    public Map<String, Double> pathByKind() {
        Map<String, Double> out = new LinkedHashMap<>();
        double waits = 0;
        for (PathStep p : criticalPath) {
            out.merge(p.command().kind().wireName(), p.duration(), Double::sum);
            waits += p.waitBefore();
        }
        out.put("waits", waits);
        return out;
    }

    /** Communication on the critical path: what no overlap hid. */
    public double commOnPath() {
        return criticalPath.stream().filter(p -> p.command().communication()).mapToDouble(PathStep::duration).sum();
    }

    public LaneStats lane(int rank, String stream) {
        for (LaneStats l : lanes) {
            if (l.rank() == rank && l.stream().equals(stream)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no lane " + rank + "/" + stream);
    }

    private static List<double[]> intervals(List<TimedCommand> lane) {
        List<double[]> out = new ArrayList<>();
        for (TimedCommand c : lane) {
            out.add(new double[] {c.start(), c.end()});
        }
        return merge(out);
    }

    private static List<double[]> merge(List<double[]> in) {
        List<double[]> s = new ArrayList<>(in);
        s.sort(Comparator.comparingDouble(a -> a[0]));
        List<double[]> out = new ArrayList<>();
        for (double[] iv : s) {
            if (!out.isEmpty() && iv[0] <= out.get(out.size() - 1)[1]) {
                double[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], iv[1]);
            } else {
                out.add(new double[] {iv[0], iv[1]});
            }
        }
        return out;
    }

    private static double length(List<double[]> merged) {
        double sum = 0;
        for (double[] iv : merged) {
            sum += iv[1] - iv[0];
        }
        return sum;
    }

    private static double overlap(List<double[]> a, List<double[]> b) {
        double sum = 0;
        int j = 0;
        for (double[] x : a) {
            while (j < b.size() && b.get(j)[1] <= x[0]) {
                j++;
            }
            for (int k = j; k < b.size() && b.get(k)[0] < x[1]; k++) {
                sum += Math.max(0, Math.min(x[1], b.get(k)[1]) - Math.max(x[0], b.get(k)[0]));
            }
        }
        return sum;
    }
}
