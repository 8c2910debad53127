package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The best few distinct candidates seen by a search: shortest predicted step first; among
 * predictions within a nanosecond, the orders closest to the starting ones (fewest pairs of
 * labels swapped, fewest groups changed).
 */
final class TopCandidates {
    private record Entry(Candidate candidate, long rounded, int distance, String key) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::rounded)
            .thenComparingInt(Entry::distance).thenComparing(Entry::key);

    private final int keep;
    private final ScheduleOrders start;
    private final List<Entry> best = new ArrayList<>();

    TopCandidates(int keep, ScheduleOrders start) {
        this.keep = Math.max(1, keep);
        this.start = start;
    }

    void offer(ScheduleOrders orders, double micros) {
        long rounded = Math.round(micros * 1000);
        if (best.size() == keep && rounded > best.get(best.size() - 1).rounded()) {
            return; // cheap rejection before the distance is computed
        }
        Entry e = new Entry(new Candidate(orders, micros), rounded, distance(orders),
                OrderText.describe(orders));
        if (best.size() == keep && ORDER.compare(e, best.get(best.size() - 1)) >= 0) {
            return;
        }
        for (Entry b : best) {
            if (b.key().equals(e.key())) {
                return;
            }
        }
        best.add(e);
        best.sort(ORDER);
        if (best.size() > keep) {
            best.remove(best.size() - 1);
        }
    }

    List<Candidate> best() {
        return best.stream().map(Entry::candidate).toList();
    }

    private int distance(ScheduleOrders o) {
        int groupsChanged = 0;
        for (List<String> g : o.groups()) {
            if (!start.groups().contains(g)) {
                groupsChanged++;
            }
        }
        for (List<String> g : start.groups()) {
            if (!o.groups().contains(g)) {
                groupsChanged++;
            }
        }
        return inversions(o.paramOrder(), start.paramOrder()) + inversions(o.workOrder(), start.workOrder()) + groupsChanged;
    }

    /** Pairs of labels that {@code a} orders the other way round from {@code b} (Kendall tau distance). */
    static int inversions(List<String> a, List<String> b) {
        int n = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = i + 1; j < a.size(); j++) {
                if (b.indexOf(a.get(i)) > b.indexOf(a.get(j))) {
                    n++;
                }
            }
        }
        return n;
    }
}
