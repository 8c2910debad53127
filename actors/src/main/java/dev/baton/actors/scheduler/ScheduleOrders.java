package dev.baton.actors.scheduler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The schedule knobs: the order in which gradient collectives are launched (param order), the
 * order in which updates run (work order), and which collectives are fused into one launch
 * (groups; a parameter in no group is launched alone). Configuration, validated against the
 * param table with messages that list what is missing or unknown.
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

    /** Both orders = the table's order, no groups. */
    public static ScheduleOrders tableOrder(List<ParamEntry> table) {
        List<String> names = table.stream().map(ParamEntry::name).toList();
        return new ScheduleOrders(names, names, List.of());
    }

    /** The record's orders for its 13 parameters (param table order and the work order of PR #200). */
    public static ScheduleOrders record() {
        return new ScheduleOrders(
                List.of("attn", "mlp", "scalars", "ve0", "ve1", "ve2", "smear_gate", "skip_gate", "attn_gate_bank",
                        "ve_gate_bank", "x0_lambdas", "lm_head", "embed"),
                List.of("scalars", "smear_gate", "skip_gate", "attn_gate_bank", "ve_gate_bank", "x0_lambdas",
                        "ve0", "ve1", "ve2", "lm_head", "embed", "attn", "mlp"),
                List.of());
    }

    /** Checks that both orders name every parameter of the table exactly once and groups name known ones once. */
    public void validate(List<ParamEntry> table) {
        Set<String> known = new LinkedHashSet<>();
        for (ParamEntry e : table) {
            known.add(e.name());
        }
        requirePermutation("param order", paramOrder, known);
        requirePermutation("work order", workOrder, known);
        Set<String> grouped = new HashSet<>();
        for (List<String> group : groups) {
            if (group.isEmpty()) {
                throw new IllegalArgumentException("collective groups: an empty group is not allowed");
            }
            for (String p : group) {
                if (!known.contains(p)) {
                    throw new IllegalArgumentException("collective groups: unknown parameter '" + p + "'; known: " + known);
                }
                if (!grouped.add(p)) {
                    throw new IllegalArgumentException("collective groups: parameter '" + p + "' is in two groups");
                }
            }
        }
    }

    private static void requirePermutation(String what, List<String> order, Set<String> known) {
        Set<String> seen = new HashSet<>();
        for (String p : order) {
            if (!known.contains(p)) {
                throw new IllegalArgumentException(what + ": unknown parameter '" + p + "'; the param table has " + known);
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException(what + ": parameter '" + p + "' appears twice");
            }
        }
        if (seen.size() != known.size()) {
            List<String> missing = new ArrayList<>(known);
            missing.removeAll(seen);
            throw new IllegalArgumentException(what + " misses " + missing + "; it must name every parameter once");
        }
    }

    /** The group containing {@code param}, or a group of one. */
    public List<String> groupOf(String param) {
        for (List<String> g : groups) {
            if (g.contains(param)) {
                return g;
            }
        }
        return List.of(param);
    }
}
