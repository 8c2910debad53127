package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.CommandKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The commands every worker runs for a {@link StepShape} under given orders, with the events
 * each waits for: the same plan as {@code StepPlanner} and the worker's {@code StepExecution}
 * (the tie combine, launches in param order with groups fused at their first member's place,
 * updates in work order each waiting for its launch, the all-gather of each sharded update,
 * the tie sync, the untie, clearing and the loss). A wait is listed once per stream, as the
 * recorder lists it, so that a rebuilt graph can be compared with a recording line by line.
 */
public final class StepGraph {
    public static final String COMPUTE = "compute";
    public static final String COMM = "comm";

    private final List<PlannedCommand> compute;
    private final List<PlannedCommand> comm;

    private StepGraph(List<PlannedCommand> compute, List<PlannedCommand> comm) {
        this.compute = List.copyOf(compute);
        this.comm = List.copyOf(comm);
    }

    public List<PlannedCommand> compute() {
        return compute;
    }

    public List<PlannedCommand> comm() {
        return comm;
    }

    public List<PlannedCommand> stream(String name) {
        return switch (name) {
            case COMPUTE -> compute;
            case COMM -> comm;
            default -> List.of();
        };
    }

    /** Number of collective launches (all on the comm stream). */
    public int collectives() {
        return comm.size();
    }

    /** The step of {@code shape} with {@code orders} (labels of other steps are skipped; every active label must appear). */
    public static StepGraph build(StepShape shape, ScheduleOrders orders) {
        List<String> scatter = activeInOrder(orders.paramOrder(), shape.activeLabels(), "param order");
        List<String> work = activeInOrder(orders.workOrder(), shape.updates(), "work order");
        Builder b = new Builder();
        StreamRef gradsReady = null;
        for (int i = 0; i < shape.microSteps(); i++) {
            gradsReady = b.compute(CommandKind.FORWARD_BACKWARD, "", List.of());
        }
        Map<String, StreamRef> gradReady = new HashMap<>();
        if (shape.combineTied() != null) {
            gradReady.put(shape.combineTied(), b.compute(CommandKind.COMBINE_TIED, shape.combineTied(), List.of()));
        }
        Map<String, StreamRef> landed = new HashMap<>();
        Set<String> launched = new LinkedHashSet<>();
        for (String p : scatter) {
            if (launched.contains(p)) {
                continue;
            }
            List<String> members = new ArrayList<>();
            for (String q : scatter) {
                if (orders.groupOf(p).contains(q)) {
                    members.add(q);
                }
            }
            launched.addAll(members);
            List<StreamRef> waits = new ArrayList<>();
            long bytes = 0;
            for (String q : members) {
                StreamRef ready = gradReady.getOrDefault(q, gradsReady);
                if (ready != null) {
                    waits.add(ready);
                }
                bytes += shape.traffic(q).reduceBytes();
            }
            CommandKind kind = members.size() == 1 ? shape.traffic(p).reduction() : CommandKind.COLLECTIVE_GROUP;
            StreamRef launch = b.comm(kind, String.join("+", members), bytes, waits);
            for (String q : members) {
                landed.put(q, launch);
            }
        }
        Map<String, StreamRef> updated = new HashMap<>();
        Map<String, StreamRef> gathered = new HashMap<>();
        for (String p : work) {
            StreamRef reduced = landed.get(p);
            if (reduced == null) {
                throw new IllegalArgumentException("'" + p + "' is updated but its gradient is never reduced");
            }
            StreamRef u = b.compute(CommandKind.UPDATE, p, List.of(reduced));
            updated.put(p, u);
            ParamTraffic t = shape.traffic(p);
            if (t.gathered()) {
                gathered.put(p, b.comm(CommandKind.ALL_GATHER, p, t.gatherBytes(), List.of(u)));
            }
        }
        if (shape.syncTied() != null) {
            StreamRef head = gathered.getOrDefault(shape.combineTied(), updated.get(shape.combineTied()));
            b.compute(CommandKind.SYNC_TIED, shape.syncTied(), head == null ? List.of() : List.of(head));
        }
        UntieShape u = shape.untie();
        if (u != null) {
            StreamRef headUpdate = updated.get(u.head());
            StreamRef packed = b.compute(CommandKind.UNTIE_PACK, u.head(), headUpdate == null ? List.of() : List.of(headUpdate));
            StreamRef all = b.comm(u.gatherKind(), u.gatherParam(), u.gatherBytes(), List.of(packed));
            b.compute(CommandKind.UNTIE_APPLY, u.embed(), List.of(all));
        }
        List<String> consumed = new ArrayList<>(scatter);
        List<StreamRef> clearWaits = new ArrayList<>();
        for (String p : scatter) {
            clearWaits.add(landed.get(p));
        }
        if (shape.combineTied() != null && shape.syncTied() != null && !consumed.contains(shape.syncTied())) {
            consumed.add(shape.syncTied()); // the folded embedding gradient is consumed too
        }
        b.compute(CommandKind.CLEAR_GRADS, String.join("+", orderLike(consumed, orders.paramOrder())), clearWaits);
        b.compute(CommandKind.LOSS, "", List.of());
        return new StepGraph(b.compute, b.comm);
    }

    /** The labels of {@code active} in the order {@code order} gives them; fails when one is missing. */
    static List<String> activeInOrder(List<String> order, List<String> active, String what) {
        List<String> out = new ArrayList<>();
        for (String label : order) {
            if (active.contains(label) && !out.contains(label)) {
                out.add(label);
            }
        }
        if (out.size() != active.size()) {
            List<String> missing = active.stream().filter(l -> !out.contains(l)).toList();
            throw new IllegalArgumentException("the " + what + " does not name " + missing + ", which this step uses");
        }
        return out;
    }

    private static List<String> orderLike(List<String> labels, List<String> order) {
        List<String> out = new ArrayList<>();
        for (String l : order) {
            if (labels.contains(l)) {
                out.add(l);
            }
        }
        for (String l : labels) {
            if (!out.contains(l)) {
                out.add(l);
            }
        }
        return out;
    }

    /** Appends commands to the two streams; lists each wait once per stream, like the worker. */
    private static final class Builder {
        final List<PlannedCommand> compute = new ArrayList<>();
        final List<PlannedCommand> comm = new ArrayList<>();
        final Set<StreamRef> awaitedByCompute = new LinkedHashSet<>();
        final Set<StreamRef> awaitedByComm = new LinkedHashSet<>();

        StreamRef compute(CommandKind kind, String param, List<StreamRef> waits) {
            compute.add(new PlannedCommand(COMPUTE, compute.size(), kind, param, 0, -1, fresh(waits, awaitedByCompute)));
            return new StreamRef(COMPUTE, compute.size() - 1);
        }

        StreamRef comm(CommandKind kind, String param, long bytes, List<StreamRef> waits) {
            comm.add(new PlannedCommand(COMM, comm.size(), kind, param, bytes, comm.size(), fresh(waits, awaitedByComm)));
            return new StreamRef(COMM, comm.size() - 1);
        }

        private static List<StreamRef> fresh(List<StreamRef> waits, Set<StreamRef> awaited) {
            List<StreamRef> out = new ArrayList<>();
            for (StreamRef w : waits) {
                if (w != null && awaited.add(w)) {
                    out.add(w);
                }
            }
            return out;
        }
    }
}
