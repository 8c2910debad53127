package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.trace.ScheduleFile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a step consists of, whatever the orders: W, micro-steps, the parameters reduced, updated
 * and gathered (with their bytes), and the tie commands. Another param order, work order or
 * grouping permutes or fuses these commands and nothing else (docs/schedule-format.md), so a
 * shape plus {@link ScheduleOrders} is enough to rebuild the step ({@link StepGraph}).
 *
 * @param params      the parameters whose gradients were reduced, in the recorded param order
 * @param updates     the parameters updated, in the recorded work order
 * @param combineTied the head's label when the tied gradients were combined, else null
 * @param syncTied    the embedding's label when the tied weights were copied, else null
 * @param untie       the untie of the split step, else null
 * @param orders      the full recorded orders and groups (every label of the param table)
 */
public record StepShape(long step, int world, int microSteps, boolean adamStep, List<ParamTraffic> params,
                        List<String> updates, String combineTied, String syncTied, UntieShape untie,
                        ScheduleOrders orders) {
    public StepShape {
        params = List.copyOf(params);
        updates = List.copyOf(updates);
    }

    /** The traffic of {@code label}, or null when it took no part. */
    public ParamTraffic traffic(String label) {
        for (ParamTraffic p : params) {
            if (p.label().equals(label)) {
                return p;
            }
        }
        return null;
    }

    /** The labels reduced this step, in the recorded order. */
    public List<String> activeLabels() {
        return params.stream().map(ParamTraffic::label).toList();
    }

    /** True when {@code other} is the same kind of step (whatever its number): same commands, bytes and orders. */
    public boolean sameStepAs(StepShape other) {
        return new StepShape(0, world, microSteps, adamStep, params, updates, combineTied, syncTied, untie, orders)
                .equals(new StepShape(0, other.world, other.microSteps, other.adamStep, other.params, other.updates,
                        other.combineTied, other.syncTied, other.untie, other.orders));
    }

    /** The same step at another world size (bytes and micro-steps given by the caller). */
    public StepShape withWorld(int w, int micro, double byteFactor) {
        List<ParamTraffic> p = params.stream().map(t -> t.scaled(byteFactor)).toList();
        return new StepShape(step, w, micro, adamStep, p, updates, combineTied, syncTied,
                untie == null ? null : untie.scaled(byteFactor), orders);
    }

    /** Reads the shape from a recorded step (rank 0's commands; every rank must have run the same). */
    public static StepShape of(ScheduleFile file) {
        return of(file, Timeline.of(file));
    }

    static StepShape of(ScheduleFile file, Timeline t) {
        List<TimedCommand> compute = t.lane(0, "compute");
        List<TimedCommand> comm = t.lane(0, "comm");
        requireSameOnEveryRank(t);
        int micro = 0;
        String combine = null;
        String sync = null;
        String packed = null;
        String applied = null;
        int packIndex = -1;
        List<String> updates = new ArrayList<>();
        for (TimedCommand c : compute) {
            switch (c.kind()) {
                case FORWARD_BACKWARD -> micro++;
                case COMBINE_TIED -> combine = c.param();
                case UPDATE -> updates.add(c.param());
                case SYNC_TIED -> sync = c.param();
                case UNTIE_PACK -> {
                    packed = c.param();
                    packIndex = c.index();
                }
                case UNTIE_APPLY -> applied = c.param();
                default -> { }
            }
        }
        Map<String, Long> gathers = new LinkedHashMap<>();
        List<TimedCommand> launches = new ArrayList<>();
        UntieShape untie = null;
        StreamRef packRef = packIndex < 0 ? null : new StreamRef(StepGraph.COMPUTE, packIndex);
        for (TimedCommand c : comm) {
            if (packRef != null && c.waits().contains(packRef)) {
                untie = new UntieShape(packed, applied, c.kind(), c.param(), c.bytes());
                continue;
            }
            switch (c.kind()) {
                case REDUCE_SCATTER, ALL_REDUCE, COLLECTIVE_GROUP -> launches.add(c);
                case ALL_GATHER -> {
                    if (!updates.contains(c.param())) {
                        throw new IllegalArgumentException("all_gather of '" + c.param()
                                + "' follows neither an update nor the untie");
                    }
                    gathers.put(c.param(), c.bytes());
                }
                default -> throw new IllegalArgumentException("comm command " + c.label()
                        + " is none the step planner issues (docs/schedule-format.md)");
            }
        }
        if (packed != null && untie == null) {
            throw new IllegalArgumentException("the step has untie_pack but no all_gather of the head's state");
        }
        List<ParamTraffic> params = new ArrayList<>();
        for (TimedCommand launch : launches) {
            params.addAll(traffic(launch, gathers));
        }
        return new StepShape(parseLong(file, "step", -1), t.world(), micro, Boolean.parseBoolean(file.header().get("adam_step")),
                params, updates, combine, sync, untie, orders(file, params, updates));
    }

    /** The members of one launch; a fused launch's bytes are split by its members' all-gather bytes where known. */
    private static List<ParamTraffic> traffic(TimedCommand launch, Map<String, Long> gathers) {
        if (launch.kind() != CommandKind.COLLECTIVE_GROUP) {
            Long g = gathers.get(launch.param());
            return List.of(new ParamTraffic(launch.param(), launch.kind(), launch.bytes(), g != null, g == null ? 0 : g));
        }
        List<String> members = Arrays.asList(launch.param().split("\\+"));
        long known = 0;
        int unknown = 0;
        for (String m : members) {
            if (gathers.containsKey(m)) {
                known += gathers.get(m);
            } else {
                unknown++;
            }
        }
        long share = unknown == 0 ? 0 : Math.max(0, launch.bytes() - known) / unknown;
        List<ParamTraffic> out = new ArrayList<>();
        for (String m : members) {
            Long g = gathers.get(m);
            // a gathered member is sharded (reduce-scatter, same ring bytes as its gather); the rest all-reduced
            out.add(g != null ? new ParamTraffic(m, CommandKind.REDUCE_SCATTER, g, true, g)
                    : new ParamTraffic(m, CommandKind.ALL_REDUCE, share, false, 0));
        }
        return out;
    }

    private static ScheduleOrders orders(ScheduleFile file, List<ParamTraffic> params, List<String> updates) {
        List<String> scatter = OrderText.labels(file.header().get("param_order"));
        List<String> work = OrderText.labels(file.header().get("work_order"));
        List<List<String>> groups = OrderText.groups(file.header().get("groups"));
        if (scatter.isEmpty()) {
            scatter = params.stream().map(ParamTraffic::label).toList();
        }
        if (work.isEmpty()) {
            work = updates;
        }
        return new ScheduleOrders(scatter, work, groups);
    }

    private static long parseLong(ScheduleFile file, String key, long fallback) {
        String v = file.header().get(key);
        return v == null ? fallback : Long.parseLong(v.strip());
    }

    private static void requireSameOnEveryRank(Timeline t) {
        for (String stream : t.streams()) {
            List<TimedCommand> ref = t.lane(0, stream);
            for (int r = 1; r < t.world(); r++) {
                List<TimedCommand> other = t.lane(r, stream);
                boolean same = other.size() == ref.size();
                for (int i = 0; same && i < ref.size(); i++) {
                    same = other.get(i).kind() == ref.get(i).kind() && other.get(i).param().equals(ref.get(i).param());
                }
                if (!same) {
                    throw new IllegalArgumentException("rank " + r + " ran other " + stream + " commands than rank 0;"
                            + " a training step issues the same commands on every rank");
                }
            }
        }
    }
}
