package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One point of the {@link OrderTuner}'s search: the step's launches in order (a launch is one
 * label, or several fused into a group) and its updates in order, active labels only.
 */
record TunerState(List<List<String>> units, List<String> work) {
    TunerState {
        List<List<String>> u = new ArrayList<>();
        for (List<String> unit : units) {
            u.add(List.copyOf(unit));
        }
        units = List.copyOf(u);
        work = List.copyOf(work);
    }

    /** The launches and updates of {@code shape} under {@code orders}, grouped as the planner groups them. */
    static TunerState of(StepShape shape, ScheduleOrders orders, boolean tuneGroups) {
        List<String> scatter = StepGraph.activeInOrder(orders.paramOrder(), shape.activeLabels(), "param order");
        List<String> work = StepGraph.activeInOrder(orders.workOrder(), shape.updates(), "work order");
        List<List<String>> units = new ArrayList<>();
        List<String> placed = new ArrayList<>();
        for (String p : scatter) {
            if (placed.contains(p)) {
                continue;
            }
            List<String> unit = new ArrayList<>();
            for (String q : scatter) {
                if (orders.groupOf(p).contains(q)) {
                    unit.add(q);
                }
            }
            placed.addAll(unit);
            units.add(unit);
        }
        return new TunerState(units, work);
    }

    List<String> labels() {
        List<String> out = new ArrayList<>();
        units.forEach(out::addAll);
        return out;
    }

    /** How many states an exhaustive search visits; Long.MAX_VALUE when that overflows. */
    long combinations(boolean tuneGroups) {
        int n = tuneGroups ? labels().size() : units.size();
        double c = factorial(n) * factorial(work.size()) * (tuneGroups ? Math.pow(2, Math.max(0, n - 1)) : 1);
        return c > 9e18 ? Long.MAX_VALUE : (long) c;
    }

    private static double factorial(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return f;
    }

    String key() {
        StringBuilder b = new StringBuilder();
        for (List<String> u : units) {
            b.append(String.join("+", u)).append(',');
        }
        return b.append('|').append(String.join(",", work)).toString();
    }

    /** Orders naming only this step's labels (what the simulator needs). */
    ScheduleOrders activeOrders() {
        return new ScheduleOrders(labels(), work, groups());
    }

    /** Full orders for configuration: the other labels keep their places in {@code start}. */
    ScheduleOrders fullOrders(ScheduleOrders start, boolean tuneGroups) {
        return new ScheduleOrders(OrderText.complete(labels(), start.paramOrder(), "param order"),
                OrderText.complete(work, start.workOrder(), "work order"), tuneGroups ? groups() : start.groups());
    }

    private List<List<String>> groups() {
        return units.stream().filter(u -> u.size() > 1).toList();
    }

    /** Updates in the order their collectives are launched: the natural first guess. */
    TunerState greedy() {
        List<String> w = new ArrayList<>();
        for (String l : labels()) {
            if (work.contains(l)) {
                w.add(l);
            }
        }
        return new TunerState(units, w);
    }

    /** Every way to cut {@code labels} into consecutive launches. */
    static List<List<List<String>>> cuts(List<String> labels) {
        List<List<List<String>>> out = new ArrayList<>();
        int n = labels.size();
        if (n == 0) {
            out.add(List.of());
            return out;
        }
        for (int mask = 0; mask < 1 << (n - 1); mask++) {
            List<List<String>> units = new ArrayList<>();
            List<String> cur = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                cur.add(labels.get(i));
                if (i == n - 1 || (mask & (1 << i)) == 0) {
                    units.add(cur);
                    cur = new ArrayList<>();
                }
            }
            out.add(units);
        }
        return out;
    }

    /** The same launches and updates in random orders (a restart of the search). */
    TunerState shuffled(SplittableRandom rnd) {
        List<List<String>> u = new ArrayList<>(units);
        List<String> w = new ArrayList<>(work);
        for (int i = u.size() - 1; i > 0; i--) {
            Collections.swap(u, i, rnd.nextInt(i + 1));
        }
        for (int i = w.size() - 1; i > 0; i--) {
            Collections.swap(w, i, rnd.nextInt(i + 1));
        }
        return new TunerState(u, w);
    }

    /** One random move (see {@link OrderTuner}). */
    TunerState mutate(SplittableRandom rnd, boolean tuneGroups) {
        int u = Math.max(1, units.size());
        int w = Math.max(1, work.size());
        for (int attempt = 0; attempt < 20; attempt++) {
            int move = rnd.nextInt(tuneGroups ? 7 : 5);
            TunerState s = switch (move) {
                case 0 -> swapUnits(rnd.nextInt(u), rnd.nextInt(u));
                case 1 -> moveUnit(rnd.nextInt(u), rnd.nextInt(u));
                case 2 -> swapWork(rnd.nextInt(w), rnd.nextInt(w));
                case 3 -> moveWork(rnd.nextInt(w), rnd.nextInt(w));
                case 4 -> moveBoth(rnd.nextInt(u), rnd.nextInt(u));
                case 5 -> merge(rnd.nextInt(u));
                default -> split(rnd.nextInt(u), 1 + rnd.nextInt(Math.max(1, labels().size())));
            };
            if (s != null && !s.key().equals(key())) {
                return s;
            }
        }
        return this;
    }

    /**
     * Every single swap or move of a launch, of an update, and of a launch together with its
     * updates; with groups every merge and split.
     */
    List<TunerState> neighbours(boolean tuneGroups) {
        List<TunerState> out = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            for (int j = 0; j < units.size(); j++) {
                if (i < j) {
                    out.add(swapUnits(i, j));
                }
                if (i != j) {
                    out.add(moveUnit(i, j));
                    out.add(moveBoth(i, j));
                }
            }
        }
        for (int i = 0; i < work.size(); i++) {
            for (int j = 0; j < work.size(); j++) {
                if (i < j) {
                    out.add(swapWork(i, j));
                }
                if (i != j) {
                    out.add(moveWork(i, j));
                }
            }
        }
        if (tuneGroups) {
            for (int i = 0; i + 1 < units.size(); i++) {
                out.add(merge(i));
            }
            for (int i = 0; i < units.size(); i++) {
                for (int at = 1; at < units.get(i).size(); at++) {
                    out.add(split(i, at));
                }
            }
        }
        return out;
    }

    /** The states one adjacent swap closer to {@code target}'s orders (launches by first label, updates). */
    List<TunerState> towards(TunerState target) {
        List<String> launchOrder = target.labels();
        List<TunerState> out = new ArrayList<>();
        for (int i = 0; i + 1 < units.size(); i++) {
            if (launchOrder.indexOf(units.get(i).get(0)) > launchOrder.indexOf(units.get(i + 1).get(0))) {
                out.add(swapUnits(i, i + 1));
            }
        }
        for (int i = 0; i + 1 < work.size(); i++) {
            if (target.work.indexOf(work.get(i)) > target.work.indexOf(work.get(i + 1))) {
                out.add(swapWork(i, i + 1));
            }
        }
        return out;
    }

    private TunerState swapUnits(int i, int j) {
        if (i >= units.size() || j >= units.size()) {
            return null;
        }
        List<List<String>> u = new ArrayList<>(units);
        u.set(i, units.get(j));
        u.set(j, units.get(i));
        return new TunerState(u, work);
    }

    private TunerState moveUnit(int from, int to) {
        if (from >= units.size() || to >= units.size()) {
            return null;
        }
        List<List<String>> u = new ArrayList<>(units);
        u.add(to, u.remove(from));
        return new TunerState(u, work);
    }

    /**
     * Moves launch {@code from} to position {@code to} and its updates to where the update of
     * the launch now at {@code to} was: good orders tend to update in the order gradients land.
     */
    private TunerState moveBoth(int from, int to) {
        TunerState launched = moveUnit(from, to);
        if (launched == null || from == to) {
            return launched;
        }
        List<String> moved = units.get(from);
        List<String> w = new ArrayList<>(work);
        int target = -1;
        for (String l : units.get(to)) {
            int at = work.indexOf(l);
            if (at >= 0 && (target < 0 || at < target)) {
                target = at;
            }
        }
        w.removeAll(moved);
        List<String> updated = moved.stream().filter(work::contains).toList();
        if (target < 0 || updated.isEmpty()) {
            return launched;
        }
        w.addAll(Math.min(target, w.size()), updated);
        return new TunerState(launched.units, w);
    }

    private TunerState swapWork(int i, int j) {
        if (i >= work.size() || j >= work.size()) {
            return null;
        }
        List<String> w = new ArrayList<>(work);
        w.set(i, work.get(j));
        w.set(j, work.get(i));
        return new TunerState(units, w);
    }

    private TunerState moveWork(int from, int to) {
        if (from >= work.size() || to >= work.size()) {
            return null;
        }
        List<String> w = new ArrayList<>(work);
        w.add(to, w.remove(from));
        return new TunerState(units, w);
    }

    private TunerState merge(int i) {
        if (i + 1 >= units.size()) {
            return null;
        }
        List<List<String>> u = new ArrayList<>(units);
        List<String> fused = new ArrayList<>(units.get(i));
        fused.addAll(units.get(i + 1));
        u.set(i, fused);
        u.remove(i + 1);
        return new TunerState(u, work);
    }

    private TunerState split(int i, int at) {
        if (i >= units.size() || at <= 0 || at >= units.get(i).size()) {
            return null;
        }
        List<List<String>> u = new ArrayList<>(units);
        List<String> unit = units.get(i);
        u.set(i, unit.subList(0, at));
        u.add(i + 1, unit.subList(at, unit.size()));
        return new TunerState(u, work);
    }
}
