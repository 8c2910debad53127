package dev.baton.runtime.checkpoint;

import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.LayerLayout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The identity of a model configuration as named fields (the names of {@code baton.model} where
 * there is one) and their SHA-256, stored in checkpoints so that resuming with another model
 * fails with a message that names every field that differs.
 */
public record ModelFingerprint(Map<String, String> fields) {
    /** No fields: a workload that does not describe its model (test stand-ins). */
    public static final ModelFingerprint NONE = new ModelFingerprint(Map.of());

    public ModelFingerprint {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static ModelFingerprint of(GptConfig c) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("vocab-size (padded)", Integer.toString(c.vocabSize()));
        f.put("num-layers", Integer.toString(c.numLayers()));
        f.put("model-dim", Integer.toString(c.modelDim()));
        f.put("num-heads", Integer.toString(c.numHeads()));
        f.put("head-dim", Integer.toString(c.headDim()));
        f.put("mlp hidden", Integer.toString(c.mlpHidden()));
        f.put("gate-input-width", Integer.toString(c.gateWidth()));
        f.put("softcap", c.softcapA() + "/" + c.softcapB() + "/" + c.softcapC());
        f.put("block-size", Integer.toString(c.blockSize()));
        f.put("attn-scale", Double.toString(c.initialAttnScale()));
        f.put("rms-eps", Float.toString(c.rmsEps()));
        f.put("shard multiple", Integer.toString(c.shardMultiple()));
        LayerLayout l = c.layout();
        f.put("layout.attention-less-layers", l.attentionless().toString());
        f.put("layout.paired-head-layers", l.pairedHead().toString());
        f.put("layout.long-window-layers", l.longWindow().toString());
        f.put("layout.key-offset-layers", l.keyOffset().toString());
        f.put("layout.value-embeddings", l.valueEmbed().toString());
        f.put("layout.skip-in", l.skipIn().toString());
        f.put("layout.skip-out", l.skipOut().toString());
        f.put("layout.backout-layer", Integer.toString(l.backoutLayer()));
        return new ModelFingerprint(f);
    }

    /** SHA-256 (hex) of the fields as {@code name=value} lines. */
    public String digest() {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** One phrase per field that differs: "model-dim is 64 there and 128 here". */
    public List<String> differences(ModelFingerprint here) {
        Set<String> names = new TreeSet<>(fields.keySet());
        names.addAll(here.fields.keySet());
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String there = fields.getOrDefault(n, "absent");
            String mine = here.fields.getOrDefault(n, "absent");
            if (!there.equals(mine)) {
                out.add(n + " is " + there + " there and " + mine + " here");
            }
        }
        return out;
    }
}
