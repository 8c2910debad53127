package dev.baton.runtime.optim;

import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The explicit optimizer plan: one {@link ParamEntry} per parameter, the scatter order (in which
 * every rank launches the gradient collectives) and the work order (in which updates run once
 * their collective has landed), and the optional embed/lm_head tie. Both orders must name every
 * label exactly once; the math does not depend on them, the overlap does.
 */
public final class ParamTable {
    private final Map<String, ParamEntry> byLabel = new LinkedHashMap<>();
    private final List<String> scatterOrder;
    private final List<String> workOrder;
    private final Optional<EmbeddingTie> tie;

    public ParamTable(List<ParamEntry> entries, List<String> scatterOrder, List<String> workOrder,
                      Optional<EmbeddingTie> tie) {
        Set<String> params = new HashSet<>();
        for (ParamEntry e : entries) {
            if (byLabel.putIfAbsent(e.label(), e) != null) {
                throw new IllegalArgumentException("param table: label " + e.label() + " appears twice");
            }
            if (!params.add(e.param())) {
                throw new IllegalArgumentException("param table: parameter " + e.param() + " has two entries");
            }
        }
        this.scatterOrder = List.copyOf(scatterOrder);
        this.workOrder = List.copyOf(workOrder);
        checkOrder("scatter-order", this.scatterOrder);
        checkOrder("work-order", this.workOrder);
        this.tie = tie;
        tie.ifPresent(t -> {
            for (String l : List.of(t.headLabel(), t.embedLabel())) {
                if (!entry(l).isAdam()) {
                    throw new IllegalArgumentException("param table: tied parameter " + l + " must use Adam");
                }
            }
        });
    }

    /** The record's table, scatter order (= table order) and work order (SPEC-NOTES 3.2). */
    public static ParamTable record() {
        List<Double> one = List.of(1.0);
        List<ParamEntry> e = List.of(
                ParamEntry.normuon("attn", "attn_bank", Comms.SHARDED, 1.0, 1.0, 4, one),
                ParamEntry.normuon("mlp", "mlp_bank", Comms.SHARDED, 1.0, 1.0, 1, List.of(1.0, 2.0)),
                ParamEntry.adam("scalars", "scalars", Comms.REPLICATED, 0.9, 0.99, 5.0, 0.0),
                ParamEntry.adam("ve0", "value_embeds.0", Comms.SHARDED, 0.75, 0.95, 75.0, 5.0),
                ParamEntry.adam("ve1", "value_embeds.1", Comms.SHARDED, 0.75, 0.95, 75.0, 5.0),
                ParamEntry.adam("ve2", "value_embeds.2", Comms.SHARDED, 0.75, 0.95, 75.0, 5.0),
                ParamEntry.adam("smear_gate", "smear_gate", Comms.REPLICATED, 0.9, 0.99, 0.01, 0.0),
                ParamEntry.adam("skip_gate", "skip_gate", Comms.REPLICATED, 0.9, 0.99, 0.05, 0.0),
                ParamEntry.adam("attn_gate_bank", "attn_gate_bank", Comms.REPLICATED, 0.9, 0.99, 1.0, 1.0),
                ParamEntry.adam("ve_gate_bank", "ve_gate_bank", Comms.REPLICATED, 0.9, 0.99, 1.0, 1.0),
                ParamEntry.adam("x0_lambdas", "x0_lambdas", Comms.REPLICATED, 0.65, 0.95, 5.0, 0.0),
                // lm_head before embed: while tied, embed's gradient folds into lm_head's before its collective
                ParamEntry.adam("lm_head", "lm_head", Comms.SHARDED, 0.5, 0.95, 1.0, 150.0),
                ParamEntry.adam("embed", "embed", Comms.SHARDED, 0.5, 0.95, 1.0, 150.0));
        List<String> scatter = e.stream().map(ParamEntry::label).toList();
        // small and fast first while the large reductions land; the banks (Polar Express) last
        List<String> work = List.of("scalars", "smear_gate", "skip_gate", "attn_gate_bank", "ve_gate_bank",
                "x0_lambdas", "ve0", "ve1", "ve2", "lm_head", "embed", "attn", "mlp");
        return new ParamTable(e, scatter, work, Optional.of(EmbeddingTie.record()));
    }

    /** Entries in scatter order. */
    public List<ParamEntry> inScatterOrder() {
        return scatterOrder.stream().map(this::entry).toList();
    }

    /** Entries in work order. */
    public List<ParamEntry> inWorkOrder() {
        return workOrder.stream().map(this::entry).toList();
    }

    public List<String> scatterOrder() {
        return scatterOrder;
    }

    public List<String> workOrder() {
        return workOrder;
    }

    public Optional<EmbeddingTie> tie() {
        return tie;
    }

    public ParamEntry entry(String label) {
        ParamEntry e = byLabel.get(label);
        if (e == null) {
            throw new IllegalArgumentException("param table has no label " + label + "; labels: " + byLabel.keySet());
        }
        return e;
    }

    /**
     * Checks that the table and the model agree: every parameter of {@code params} has exactly one
     * entry and every entry names an existing parameter. Throws with every mismatch listed.
     */
    public void validateAgainst(ParamSet params) {
        List<String> problems = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (ParamEntry e : byLabel.values()) {
            if (!params.contains(e.param())) {
                problems.add("label " + e.label() + " names parameter " + e.param() + ", which the model does not have");
            }
            covered.add(e.param());
        }
        for (Param p : params.all()) {
            if (!covered.contains(p.name())) {
                problems.add("parameter " + p.name() + " has no param table entry (add one with its optimizer and comms)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("param table does not match the model: " + String.join("; ", problems));
        }
    }

    private void checkOrder(String name, List<String> order) {
        Set<String> seen = new HashSet<>();
        for (String label : order) {
            if (!byLabel.containsKey(label)) {
                throw new IllegalArgumentException("param table: " + name + " names unknown label " + label
                        + "; labels: " + byLabel.keySet());
            }
            if (!seen.add(label)) {
                throw new IllegalArgumentException("param table: " + name + " names " + label + " twice");
            }
        }
        List<String> missing = byLabel.keySet().stream().filter(l -> !seen.contains(l)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("param table: " + name + " is missing " + missing
                    + " (every label must appear exactly once)");
        }
    }
}
