package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Searches param order, work order and (optionally) collective groups for the shortest predicted
 * step. Small spaces are searched exhaustively (every order of the launches times every order of
 * the updates, when that product is within {@link Options#exhaustiveLimit}). Larger ones are
 * searched by simulated annealing from four starts (the given orders, the given launches with
 * updates in launch order, and a seeded random shuffle of both, plain and in launch order), each
 * annealed for a quarter of the steps (moves: swap or move a launch, swap or move an update, move
 * a launch together with its update, and with groups merge two adjacent launches or split one)
 * and then hill-climbed over every single such move until none improves. Equal predictions prefer
 * the orders closest to the starting ones, so that an order is only changed where it pays.
 */
public final class OrderTuner {
    /**
     * @param exhaustiveLimit largest number of order combinations searched exhaustively
     * @param iterations      annealing steps when the space is larger
     * @param tuneGroups      also fuse adjacent launches into groups (and split recorded ones)
     * @param keep            how many of the best distinct candidates to return
     */
    public record Options(long seed, long exhaustiveLimit, int iterations, boolean tuneGroups, int keep) {
        public static Options defaults() {
            return new Options(1, 50_000, 20_000, false, 5);
        }
    }

    /** The best candidates (best first), the prediction for the starting orders, and how the search went. */
    public record Result(List<Candidate> best, Candidate start, long evaluated, String method) {
    }

    private final StepShape shape;
    private final CostModel cost;
    private final ScheduleOrders start;
    private final Options options;
    private final Map<String, Double> seen = new HashMap<>();
    private final TopCandidates top;
    private TunerState best;
    private double bestMicros = Double.POSITIVE_INFINITY;

    private OrderTuner(StepShape shape, CostModel cost, ScheduleOrders start, Options options) {
        this.shape = shape;
        this.cost = cost;
        this.start = start;
        this.options = options;
        this.top = new TopCandidates(options.keep(), start);
    }

    public static Result tune(StepShape shape, CostModel cost, ScheduleOrders start, Options options) {
        return new OrderTuner(shape, cost, start, options).run();
    }

    private Result run() {
        TunerState initial = TunerState.of(shape, start, options.tuneGroups());
        double t0 = evaluate(initial);
        long combinations = initial.combinations(options.tuneGroups());
        String method;
        if (combinations > 0 && combinations <= options.exhaustiveLimit()) {
            exhaustive(initial);
            method = "exhaustive over " + combinations + " combinations";
        } else {
            SplittableRandom rnd = new SplittableRandom(options.seed());
            TunerState shuffled = initial.shuffled(rnd);
            List<TunerState> starts = List.of(initial, initial.greedy(), shuffled, shuffled.greedy());
            for (TunerState s : starts) {
                climb(anneal(s, evaluate(s), rnd, options.iterations() / starts.size()));
            }
            method = "simulated annealing (4 starts x " + options.iterations() / starts.size() + " steps, seed "
                    + options.seed() + ") + hill climbing over single moves";
        }
        simplify(TunerState.of(shape, start, options.tuneGroups()));
        return new Result(top.best(), new Candidate(start, t0), seen.size(), method);
    }

    private double evaluate(TunerState s) {
        String key = s.key();
        Double t = seen.get(key);
        if (t == null) {
            t = StepSimulator.makespan(StepGraph.build(shape, s.activeOrders()), shape.world(), cost);
            seen.put(key, t);
            top.offer(s.fullOrders(start, options.tuneGroups()), t);
            if (t < bestMicros) {
                best = s;
                bestMicros = t;
            }
        }
        return t;
    }

    /**
     * Undoes the best state's changes that do not pay: swaps adjacent launches or updates back
     * towards the starting orders as long as the prediction does not grow, so that the answer
     * changes only what it must (a search wanders through many orders of equal time).
     */
    private void simplify(TunerState from) {
        TunerState cur = best;
        double limit = bestMicros + 1e-6;
        boolean changed = true;
        for (int pass = 0; changed && pass < 1000; pass++) {
            changed = false;
            for (TunerState n : cur.towards(from)) {
                if (evaluate(n) <= limit) {
                    cur = n;
                    changed = true;
                    break;
                }
            }
        }
    }

    private void exhaustive(TunerState initial) {
        List<List<List<String>>> unitOrders = new ArrayList<>();
        if (options.tuneGroups()) {
            for (List<String> labels : permutations(initial.labels())) {
                unitOrders.addAll(TunerState.cuts(labels));
            }
        } else {
            unitOrders.addAll(permutations(initial.units()));
        }
        List<List<String>> workOrders = permutations(initial.work());
        for (List<List<String>> units : unitOrders) {
            for (List<String> work : workOrders) {
                evaluate(new TunerState(units, work));
            }
        }
    }

    private TunerState anneal(TunerState initial, double t0, SplittableRandom rnd, int iterations) {
        TunerState cur = initial;
        double curT = t0;
        TunerState best = cur;
        double bestT = curT;
        double hot = 0.02 * t0;
        double cold = 1e-4 * t0;
        for (int i = 0; i < iterations; i++) {
            double temperature = hot * Math.pow(cold / hot, (double) i / iterations);
            TunerState next = cur.mutate(rnd, options.tuneGroups());
            double t = evaluate(next);
            if (t <= curT || rnd.nextDouble() < Math.exp(-(t - curT) / temperature)) {
                cur = next;
                curT = t;
                if (t < bestT) {
                    best = next;
                    bestT = t;
                }
            }
        }
        return best;
    }

    /** Takes the best single swap (or merge/split) until none improves; at most 100 rounds. */
    private void climb(TunerState from) {
        TunerState cur = from;
        double curT = evaluate(cur);
        for (int round = 0; round < 100; round++) {
            TunerState bestNext = null;
            double bestT = curT;
            for (TunerState n : cur.neighbours(options.tuneGroups())) {
                double t = evaluate(n);
                if (t < bestT - 1e-9) {
                    bestT = t;
                    bestNext = n;
                }
            }
            if (bestNext == null) {
                return;
            }
            cur = bestNext;
            curT = bestT;
        }
    }

    static <T> List<List<T>> permutations(List<T> items) {
        List<List<T>> out = new ArrayList<>();
        permute(new ArrayList<>(items), 0, out);
        return out;
    }

    private static <T> void permute(List<T> a, int k, List<List<T>> out) {
        if (k >= a.size() - 1) {
            out.add(List.copyOf(a));
            return;
        }
        for (int i = k; i < a.size(); i++) {
            Collections.swap(a, k, i);
            permute(a, k + 1, out);
            Collections.swap(a, k, i);
        }
    }
}
