package dev.baton.launcher.config;

import dev.baton.conf.Settings;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.LayerLayout;

import java.util.List;

import static dev.baton.launcher.config.ConfigErrors.require;

/**
 * {@code baton.model} onto {@link GptConfig} and its {@link LayerLayout}: sizes, softcap, window
 * block, attention scale, rms eps and the per-layer features. The vocabulary is padded to a
 * multiple of {@code vocab-pad-multiple}; the shard multiple stays the record's 8 (shapes do not
 * depend on the device count).
 */
public final class ModelBinding {
    private static final String M = "baton.model.";
    private static final String LAYOUT = M + "layout.";
    /** The portable initialisation (reference/README.md) draws lm_head with this standard deviation. */
    private static final double PORTABLE_LM_HEAD_STD = 0.005;

    private ModelBinding() {
    }

    public static GptConfig bind(Settings s) {
        int vocab = positive(s, M + "vocab-size");
        int pad = positive(s, M + "vocab-pad-multiple");
        int layers = positive(s, M + "num-layers");
        int dim = positive(s, M + "model-dim");
        int heads = positive(s, M + "num-heads");
        int headDim = positive(s, M + "head-dim");
        int ratio = positive(s, M + "mlp-ratio");
        int gate = positive(s, M + "gate-input-width");
        int block = positive(s, M + "block-size");
        require(heads * headDim == dim, s, M + "model-dim", "must equal num-heads x head-dim = " + heads + " x " + headDim
                + " = " + heads * headDim);
        require(headDim % 4 == 0, s, M + "head-dim", "must be a multiple of 4 (rotary pairs and the key offset's quarters)");
        require(gate <= dim, s, M + "gate-input-width", "must be at most model-dim (" + dim + ")");
        double scale = s.number(M + "attn-scale");
        require(scale > 0, s, M + "attn-scale", "must be > 0");
        double eps = s.number(M + "rms-eps");
        require(eps > 0, s, M + "rms-eps", "must be > 0");
        require(s.number(M + "lm-head-init-std") == PORTABLE_LM_HEAD_STD, s, M + "lm-head-init-std",
                "the portable initialisation shared with the PyTorch reference uses " + PORTABLE_LM_HEAD_STD + " only");
        float a = (float) s.number(M + "softcap.a");
        float b = (float) s.number(M + "softcap.b");
        float c = (float) s.number(M + "softcap.c");
        require(a > 0, s, M + "softcap.a", "must be > 0");
        require(c > 0, s, M + "softcap.c", "must be > 0");
        LayerLayout layout = layout(s, layers);
        require(layout.pairedHead().isEmpty() || heads % 2 == 0, s, M + "num-heads",
                "must be even: layout.paired-head-layers attend over pairs of heads");
        int padded = (vocab + pad - 1) / pad * pad;
        return ConfigErrors.build("baton.model", () -> new GptConfig(padded, layers, dim, heads, headDim, ratio * dim, gate,
                a, b, c, block, scale, (float) eps, 8, layout));
    }

    private static LayerLayout layout(Settings s, int layers) {
        List<Integer> attentionless = layerList(s, "attention-less-layers", layers);
        List<Integer> paired = layerList(s, "paired-head-layers", layers);
        List<Integer> longWindow = layerList(s, "long-window-layers", layers);
        List<Integer> keyOffset = layerList(s, "key-offset-layers", layers);
        List<Integer> skipIn = layerList(s, "skip-in", layers);
        List<Integer> skipOut = layerList(s, "skip-out", layers);
        List<Integer> ve = s.wholeNumbers(LAYOUT + "value-embeddings");
        require(ve.size() == layers, s, LAYOUT + "value-embeddings", "needs one entry per layer (num-layers = " + layers + ")");
        require(ve.stream().allMatch(v -> v >= -1), s, LAYOUT + "value-embeddings", "entries are a table index or -1");
        require(skipIn.size() == skipOut.size(), s, LAYOUT + "skip-out", "needs one entry per skip-in entry");
        int backout = s.wholeNumber(LAYOUT + "backout-layer");
        require(backout >= -1 && backout < layers, s, LAYOUT + "backout-layer", "must be a layer in 0.." + (layers - 1)
                + " or -1 for none");
        for (int i = 0; i < layers; i++) {
            if (attentionless.contains(i)) {
                require(!paired.contains(i) && !keyOffset.contains(i), s, LAYOUT + "attention-less-layers",
                        "layer " + i + " has no attention but is also a paired-head or key-offset layer");
                require(ve.get(i) < 0, s, LAYOUT + "value-embeddings", "layer " + i + " has no attention, so its entry must be -1");
            }
        }
        return ConfigErrors.build("baton.model.layout", () -> new LayerLayout(layers, attentionless, paired, longWindow,
                keyOffset, ve, skipIn, skipOut, backout));
    }

    private static List<Integer> layerList(Settings s, String name, int layers) {
        List<Integer> l = s.wholeNumbers(LAYOUT + name);
        for (int i : l) {
            require(i >= 0 && i < layers, s, LAYOUT + name, "layer " + i + " is outside 0.." + (layers - 1));
        }
        return l;
    }

    private static int positive(Settings s, String key) {
        int v = s.wholeNumber(key);
        require(v > 0, s, key, "must be > 0");
        return v;
    }
}
