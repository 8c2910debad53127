package dev.baton.actors.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link CostModel} from recorded steps (and optionally a collectives sweep): every
 * duration is a {@link TrimmedMean} over the steps and ranks that ran the command.
 *
 * <p>A command's start is explained by the later of its stream predecessor's end and the ends of
 * the commands it waited for; what remains is an overhead, counted as a "next" gap when the
 * predecessor was later and as a "wake" gap when an event of another stream was (a parked stream
 * thread waking up). Commands that started only because their enqueue came late are left out.
 * A collective lasts from the last rank's arrival to each rank's end (mean over ranks); the link
 * is fitted to one point per distinct launch (kind, parameters, W), its trimmed mean over steps.
 */
public final class Calibration {
    private Calibration() {
    }

    public static CostModel of(List<Timeline> recordings, List<CollectivePoint> sweep) {
        Map<String, TrimmedMean> compute = new LinkedHashMap<>();
        Map<String, TrimmedMean> launches = new LinkedHashMap<>();
        Map<String, TrimmedMean> gaps = new LinkedHashMap<>();
        Map<Integer, TrimmedMean> release = new LinkedHashMap<>();
        Map<String, CollectivePoint> shapes = new LinkedHashMap<>();
        for (Timeline t : recordings) {
            for (TimedCommand c : t.commands()) {
                if (c.communication()) {
                    continue;
                }
                add(compute, CostModel.computeKey(c.kind(), c.param(), c.rank()), c.duration());
                add(compute, CostModel.computeKey(c.kind(), c.param(), -1), c.duration());
                add(compute, CostModel.kindKey(c.kind()), c.duration());
                if (c.index() == 0 && c.stream().equals(StepGraph.COMPUTE)) {
                    release.computeIfAbsent(c.rank(), r -> new TrimmedMean()).add(c.start());
                }
            }
            for (TimedCommand c : t.commands()) {
                addGap(t, c, gaps);
            }
            for (TimedCommand c : t.lane(0, StepGraph.COMM)) {
                if (c.collective() < 0) {
                    continue;
                }
                double launch = t.launch(c.collective());
                TrimmedMean d = new TrimmedMean();
                for (TimedCommand peer : t.collective(c.collective())) {
                    d.add(peer.end() - launch);
                }
                String key = CostModel.launchKey(c.kind(), c.param(), t.world());
                add(launches, key, d.value());
                shapes.putIfAbsent(key, new CollectivePoint(c.kind(), t.world(), c.bytes(), 0, 0, "recordings"));
            }
        }
        // one point per distinct launch (its trimmed mean), so that one slow step does not bend the fit
        List<CollectivePoint> all = new ArrayList<>();
        shapes.forEach((key, p) -> all.add(new CollectivePoint(p.kind(), p.world(), p.bytes(), launches.get(key).value(),
                launches.get(key).count(), p.source())));
        all.addAll(sweep);
        return new CostModel(values(compute), values(launches), CollectiveFits.of(all), values(gaps), values(release), all);
    }

    private static void addGap(Timeline t, TimedCommand c, Map<String, TrimmedMean> gaps) {
        TimedCommand prev = t.previous(c);
        double p = prev == null ? Double.NEGATIVE_INFINITY : prev.end();
        double d = Double.NEGATIVE_INFINITY;
        for (StreamRef w : c.waits()) {
            TimedCommand dep = t.resolve(c.rank(), w);
            if (dep != null) {
                d = Math.max(d, dep.end());
            }
        }
        double bound = Math.max(p, d);
        if (bound == Double.NEGATIVE_INFINITY || c.enqueue() > bound) {
            return; // the step's first command, or one that waited for its enqueue: no stream overhead to learn
        }
        add(gaps, (d > p ? "wake|" : "next|") + c.stream(), Math.max(0, c.start() - bound));
    }

    private static <K> void add(Map<K, TrimmedMean> m, K key, double v) {
        m.computeIfAbsent(key, k -> new TrimmedMean()).add(v);
    }

    private static <K> Map<K, Double> values(Map<K, TrimmedMean> m) {
        Map<K, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }
}
