package dev.baton.launcher.config;

import com.typesafe.config.ConfigObject;
import dev.baton.conf.Settings;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.baton.launcher.config.ConfigErrors.require;
import static dev.baton.launcher.config.ConfigErrors.wrong;

/**
 * {@code baton.optim.adam}, {@code .normuon}, {@code .param-table}, {@code .scatter-order} and
 * {@code .work-order} onto {@link AdamConfig}, {@link NorMuonConfig} and {@link ParamTable}.
 * Labels map to parameter names through {@link ParamLabels}; the NorMuon banks' matrix views are
 * the record's (the attention bank's rows hold 4 matrices per layer: q, k, v, o; the MLP bank's
 * odd matrices, c_proj, take {@code normuon.c-proj-lr-mul}). Value-embedding labels beyond the
 * layout's tables are left out (with their places in the orders).
 */
public final class OptimBinding {
    private static final String O = "baton.optim.";
    private static final String TABLE = O + "param-table";

    private OptimBinding() {
    }

    public static AdamConfig adam(Settings s) {
        return ConfigErrors.build(O + "adam", () -> new AdamConfig(s.number(O + "adam.lr"), s.number(O + "adam.eps"),
                s.number(O + "adam.weight-decay")));
    }

    public static NorMuonConfig normuon(Settings s) {
        return ConfigErrors.build(O + "normuon", () -> new NorMuonConfig(s.number(O + "normuon.lr"),
                s.number(O + "normuon.beta2"), s.number(O + "normuon.weight-decay")));
    }

    public static ParamTable paramTable(Settings s, GptConfig model) {
        Set<String> params = GptParams.shapes(model).keySet();
        int tables = model.layout().valueEmbedTables();
        ConfigObject labels = (ConfigObject) s.raw(TABLE);
        List<String> scatter = present(s.texts(O + "scatter-order"), tables);
        List<String> work = present(s.texts(O + "work-order"), tables);
        List<String> present = labels.keySet().stream().filter(l -> ParamLabels.valueEmbedTable(l) < tables).toList();
        checkOrder(s, O + "scatter-order", scatter, present);
        checkOrder(s, O + "work-order", work, present);
        List<ParamEntry> entries = new ArrayList<>();
        for (String label : scatter) {
            entries.add(entry(s, label, params));
        }
        for (int k = 0; k < tables; k++) {
            String label = "ve" + k;
            require(labels.containsKey(label), s, TABLE, "has no entry for value-embedding table " + k + " (label " + label
                    + ") that baton.model.layout.value-embeddings uses");
        }
        Optional<EmbeddingTie> tie = labels.containsKey("lm_head") && labels.containsKey("embed")
                ? Optional.of(EmbeddingTie.record()) : Optional.empty();
        return ConfigErrors.build(O + "param-table / scatter-order / work-order",
                () -> new ParamTable(entries, scatter, work, tie));
    }

    /** Every label of the table exactly once, or one line naming the order key. */
    private static void checkOrder(Settings s, String key, List<String> order, List<String> labels) {
        Set<String> seen = new HashSet<>();
        for (String label : order) {
            require(labels.contains(label), s, key, "names '" + label + "', which has no entry in " + TABLE);
            require(seen.add(label), s, key, "names '" + label + "' twice");
        }
        List<String> missing = labels.stream().filter(l -> !seen.contains(l)).sorted().toList();
        require(missing.isEmpty(), s, key, "is missing " + missing.stream().map(l -> "'" + l + "'").toList()
                + " (every param-table label exactly once)");
    }

    /** Labels without value-embedding tables beyond the layout's. */
    private static List<String> present(List<String> order, int tables) {
        return order.stream().filter(l -> ParamLabels.valueEmbedTable(l) < tables).toList();
    }

    private static ParamEntry entry(Settings s, String label, Set<String> params) {
        String key = TABLE + "." + label;
        String param = ParamLabels.param(label).orElseThrow(() -> wrong(s, key + ".optim",
                "label '" + label + "' names no parameter of the model; labels: attn, mlp, ve<k>, " + String.join(", ",
                        List.of("scalars", "smear_gate", "skip_gate", "attn_gate_bank", "ve_gate_bank", "x0_lambdas",
                                "lm_head", "embed"))));
        require(params.contains(param), s, key + ".optim", "parameter " + param + " is not in this model");
        String optim = s.choice(key + ".optim", "normuon", "adam");
        Comms comms = s.choice(key + ".comms", "sharded", "replicated").equals("sharded") ? Comms.SHARDED : Comms.REPLICATED;
        double lrMul = s.number(key + ".lr-mul");
        double wdMul = s.number(key + ".wd-mul");
        require(lrMul >= 0, s, key + ".lr-mul", "must be >= 0");
        require(wdMul >= 0, s, key + ".wd-mul", "must be >= 0");
        List<Double> betas = s.numbers(key + ".adam-betas");
        if (optim.equals("adam")) {
            require(betas.size() == 2 && betas.stream().allMatch(b -> b >= 0 && b < 1), s, key + ".adam-betas",
                    "Adam needs [beta1, beta2], each in [0, 1)");
            return ParamEntry.adam(label, param, comms, betas.get(0), betas.get(1), lrMul, wdMul);
        }
        require(betas.isEmpty(), s, key + ".adam-betas", "must be [] for a normuon parameter");
        if (param.equals(GptParams.ATTN_BANK)) {
            // each layer's (4d, d) entry stacks the q, k, v and o matrices
            return ParamEntry.normuon(label, param, comms, lrMul, wdMul, 4, List.of(1.0));
        }
        if (param.equals(GptParams.MLP_BANK)) {
            double cProj = s.number(O + "normuon.c-proj-lr-mul");
            require(cProj > 0, s, O + "normuon.c-proj-lr-mul", "must be > 0");
            return ParamEntry.normuon(label, param, comms, lrMul, wdMul, 1, List.of(1.0, cProj));
        }
        throw wrong(s, key + ".optim", "normuon updates matrix banks only (attn, mlp); use adam for " + label);
    }
}
