package dev.baton.actors.scheduler;

import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The schedule knobs of configuration: the order in which gradient collectives are launched
 * (param order), the order in which updates run (work order) and which collectives are fused
 * into one launch (groups; a parameter in no group is launched alone). An empty order keeps the
 * param table's. Names are param-table labels.
 */
public record ScheduleOrders(List<String> paramOrder, List<String> workOrder, List<List<String>> groups) {
    public ScheduleOrders {
        paramOrder = List.copyOf(paramOrder);
        workOrder = List.copyOf(workOrder);
        List<List<String>> g = new ArrayList<>();
        for (List<String> group : groups) {
            g.add(List.copyOf(group));
        }
        groups = List.copyOf(g);
    }

    /** The table's own orders, no groups. */
    public static ScheduleOrders of(ParamTable table) {
        return new ScheduleOrders(table.scatterOrder(), table.workOrder(), List.of());
    }

    /**
     * The table with these orders (empty = the table's own); the table's constructor checks that
     * each order names every label once. Groups are checked too.
     */
    public ParamTable applyTo(ParamTable table) {
        List<ParamEntry> entries = table.inScatterOrder();
        ParamTable t = new ParamTable(entries, paramOrder.isEmpty() ? table.scatterOrder() : paramOrder,
                workOrder.isEmpty() ? table.workOrder() : workOrder, table.tie());
        Set<String> grouped = new HashSet<>();
        for (List<String> group : groups) {
            if (group.isEmpty()) {
                throw new IllegalArgumentException("collective groups: an empty group is not allowed");
            }
            for (String p : group) {
                t.entry(p); // unknown labels fail with the table's list of labels
                if (!grouped.add(p)) {
                    throw new IllegalArgumentException("collective groups: label " + p + " is in two groups");
                }
            }
        }
        return t;
    }

    /** The group containing {@code label}, or a group of one. */
    public List<String> groupOf(String label) {
        for (List<String> g : groups) {
            if (g.contains(label)) {
                return g;
            }
        }
        return List.of(label);
    }
}
