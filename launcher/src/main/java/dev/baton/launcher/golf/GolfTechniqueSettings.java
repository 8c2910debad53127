package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.Settings;
import dev.baton.runtime.model.golf.DepthSchedule;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfInputConfig;
import dev.baton.runtime.model.golf.UniversalConfig;

/**
 * Binds seed 002's and seed 004's model switches ({@code baton.golf.input}, {@code baton.golf.xsa},
 * {@code baton.golf.universal}) onto the golf model configuration, each mistake one message naming
 * its key.
 */
final class GolfTechniqueSettings {
    private GolfTechniqueSettings() {
    }

    static GolfConfig apply(Settings s, GolfConfig model) {
        int buckets = s.wholeNumber("baton.golf.input.bigram-buckets");
        int bigramDim = s.wholeNumber("baton.golf.input.bigram-dim");
        int enrich = s.wholeNumber("baton.golf.input.pre-enrich-hidden");
        if (buckets < 0 || buckets == 1 || bigramDim < 1 || enrich < 0) {
            throw new BatonConfigException("baton.golf.input: bigram-buckets = " + buckets + " must be 0 (off) or at "
                    + "least 2, bigram-dim = " + bigramDim + " positive, pre-enrich-hidden = " + enrich
                    + " not negative (0 = off)");
        }
        GolfConfig c = model.withInput(new GolfInputConfig(buckets, bigramDim, s.flag("baton.golf.input.smear-gate"),
                enrich));
        int xsa = s.wholeNumber("baton.golf.xsa.last-layers");
        if (xsa < 0 || xsa > model.numLayers()) {
            throw new BatonConfigException("baton.golf.xsa.last-layers = " + xsa + " must be in 0.." + model.numLayers()
                    + " (baton.model.num-layers)");
        }
        c = c.withXsa(xsa);
        if (!s.flag("baton.golf.universal.enabled")) {
            return c;
        }
        if (xsa > 0) {
            throw new BatonConfigException("baton.golf.xsa.last-layers = " + xsa + " applies to the block stack; the "
                    + "Universal Transformer (baton.golf.universal.enabled) has none. Set it to 0");
        }
        DepthSchedule schedule;
        try {
            schedule = DepthSchedule.parse(s.text("baton.golf.universal.depth-schedule"));
        } catch (IllegalArgumentException e) {
            throw new BatonConfigException("baton.golf.universal.depth-schedule: " + e.getMessage());
        }
        double noise = s.number("baton.golf.universal.qat-noise");
        if (!(noise >= 0 && noise <= 16)) {
            throw new BatonConfigException("baton.golf.universal.qat-noise = " + noise + " must be in [0, 16] int8 "
                    + "steps (0 = off)");
        }
        return c.withUniversal(new UniversalConfig(schedule, noise));
    }
}
