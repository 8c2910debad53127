package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.CommandKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Predicts the step time of a recorded step at other world sizes, for planning a larger run:
 * the same global batch and orders, compute per rank scaled by the batch split and the shard
 * sizes, collectives from the fitted link model at the new bytes and W. {@link Result#assumptions}
 * spells out every assumption, so that the figures are read for what they are.
 */
public final class WorldProjection {
    /** One projected world size: micro-steps and per-rank compute, collective time per step, step time (µs). */
    public record Row(int world, int microSteps, double forwardBackwardPerRank, double updatesPerRank,
                      double collectivesPerStep, double stepMicros) {
    }

    public record Result(int recordedWorld, List<Row> rows, List<String> assumptions) {
        public Result {
            rows = List.copyOf(rows);
            assumptions = List.copyOf(assumptions);
        }
    }

    private WorldProjection() {
    }

    public static Result project(StepShape shape, CostModel cost, ScheduleOrders orders, List<Integer> worlds) {
        int w0 = shape.world();
        if (w0 < 2 || cost.fits() == null) {
            throw new IllegalArgumentException("a step recorded at W=" + w0 + " moves no bytes, so its collectives cannot be "
                    + "scaled; project from a recording at W >= 2");
        }
        List<Row> rows = new ArrayList<>();
        for (int w : worlds) {
            if (w < 1) {
                throw new IllegalArgumentException("world sizes to project must be at least 1, got " + w);
            }
            double batches = (double) shape.microSteps() * w0 / w;
            int micro = Math.max(1, (int) Math.ceil(batches - 1e-9));
            double fbFactor = batches / micro;
            double shardFactor = (double) w0 / w;
            CostModel scaled = cost.atWorld((kind, param) -> factor(shape, kind, param, fbFactor, shardFactor));
            StepShape s = shape.withWorld(w, micro, ring(w) / ring(w0));
            StepGraph g = StepGraph.build(s, orders);
            Timeline t = StepSimulator.simulate(g, w, scaled);
            double fb = 0;
            double updates = 0;
            for (TimedCommand c : t.lane(0, StepGraph.COMPUTE)) {
                if (c.kind() == CommandKind.FORWARD_BACKWARD) {
                    fb += c.duration();
                } else if (c.kind() == CommandKind.UPDATE) {
                    updates += c.duration();
                }
            }
            double comm = 0;
            for (PlannedCommand c : g.comm()) {
                comm += scaled.collectiveMicros(c.kind(), c.param(), c.bytes(), w);
            }
            rows.add(new Row(w, micro, fb, updates, comm, t.makespan()));
        }
        return new Result(w0, rows, assumptions(shape, cost));
    }

    private static double factor(StepShape shape, CommandKind kind, String param, double fbFactor, double shardFactor) {
        return switch (kind) {
            case FORWARD_BACKWARD -> fbFactor;
            case UPDATE -> {
                ParamTraffic t = param == null ? null : shape.traffic(param);
                yield t != null && t.reduction() == CommandKind.ALL_REDUCE ? 1.0 : shardFactor;
            }
            case UNTIE_PACK, UNTIE_APPLY -> shardFactor;
            default -> 1.0;
        };
    }

    private static double ring(int w) {
        return (w - 1) / (double) w;
    }

    private static List<String> assumptions(StepShape shape, CostModel cost) {
        List<String> a = new ArrayList<>();
        a.add(String.format(Locale.ROOT, "The global batch stays as recorded (%d micro-steps x %d ranks): at W each rank runs "
                + "%d*%d/W micro-batches (rounded up, then shorter ones); forward/backward time is proportional to tokens.",
                shape.microSteps(), shape.world(), shape.microSteps(), shape.world()));
        a.add("Sharded updates (banks, row-sharded parameters) and the untie take time in proportion to the rank's share "
                + "(recorded W / W, uneven splits ignored); replicated updates, the tie commands, clearing and the loss keep "
                + "their recorded times.");
        a.add("Collective bytes follow the ring formula ((W-1)/W of the buffer, twice for all-reduce); durations come from "
                + "the fit: " + cost.fits().pooled().describe() + ".");
        if (cost.fits().pooled().worlds().size() < 2) {
            a.add("The fit saw one world size only, so a launch's latency is assumed not to grow with W (true of the "
                    + "simulated CPU link; NCCL rings add latency per hop: give a sweep over W with --sweep).");
        }
        a.add("Stream overheads and the ranks' start offsets are the recorded means; the orders are the ones given; "
                + "the machine's compute speed per rank is the recorded one.");
        return a;
    }
}
