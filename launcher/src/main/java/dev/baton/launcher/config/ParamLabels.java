package dev.baton.launcher.config;

import dev.baton.runtime.model.GptParams;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record's param-table labels (as the configuration spells them) and the parameter names of
 * the model (as checkpoints and PyTorch spell them): {@code attn} = {@code attn_bank},
 * {@code mlp} = {@code mlp_bank}, {@code ve<k>} = {@code value_embeds.<k>}; every other label is
 * its parameter's name.
 */
public final class ParamLabels {
    private static final Map<String, String> RENAMED = Map.of("attn", GptParams.ATTN_BANK, "mlp", GptParams.MLP_BANK);
    private static final Map<String, String> SAME = Map.of(
            "scalars", GptParams.SCALARS, "smear_gate", GptParams.SMEAR_GATE, "skip_gate", GptParams.SKIP_GATE,
            "attn_gate_bank", GptParams.ATTN_GATE_BANK, "ve_gate_bank", GptParams.VE_GATE_BANK,
            "x0_lambdas", GptParams.X0_LAMBDAS, "lm_head", GptParams.LM_HEAD, "embed", GptParams.EMBED);
    private static final Pattern VALUE_EMBED = Pattern.compile("ve(\\d+)");

    private ParamLabels() {
    }

    /** The parameter a label names, if the label is one the record's model knows. */
    public static Optional<String> param(String label) {
        if (RENAMED.containsKey(label)) {
            return Optional.of(RENAMED.get(label));
        }
        if (SAME.containsKey(label)) {
            return Optional.of(SAME.get(label));
        }
        Matcher m = VALUE_EMBED.matcher(label);
        return m.matches() ? Optional.of(GptParams.valueEmbed(Integer.parseInt(m.group(1)))) : Optional.empty();
    }

    /** The value-embedding table a label names ({@code ve2} → 2), or -1. */
    static int valueEmbedTable(String label) {
        Matcher m = VALUE_EMBED.matcher(label);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
