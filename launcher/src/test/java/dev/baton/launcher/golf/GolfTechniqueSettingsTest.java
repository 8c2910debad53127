package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.runtime.model.golf.DepthSchedule;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfInputConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed 002/004 keys bind onto the golf model; defaults are the baseline; mistakes name their key. */
class GolfTechniqueSettingsTest {
    private static GolfConfig model(String... sets) {
        return GolfSettings.of(ConfigLoader.fromClasspath().load(ConfigRequest.profile("golf-tiny").withSets(sets))
                .settings()).model();
    }

    @Test
    void defaultsLeaveTheBaselineUnchanged() {
        GolfConfig c = model();
        assertEquals(GolfInputConfig.NONE, c.input());
        assertEquals(0, c.xsaLastLayers());
        assertNull(c.universal());
    }

    @Test
    void keysBindOntoTheModel() {
        GolfConfig c = model("baton.golf.input.bigram-buckets=2048", "baton.golf.input.bigram-dim=64",
                "baton.golf.input.smear-gate=true", "baton.golf.input.pre-enrich-hidden=96",
                "baton.golf.xsa.last-layers=2");
        assertEquals(new GolfInputConfig(2048, 64, true, 96), c.input());
        assertEquals(2, c.xsaLastLayers());
        GolfConfig ut = model("baton.golf.universal.enabled=true", "baton.golf.universal.depth-schedule=0:1,50:3",
                "baton.golf.universal.qat-noise=1.0");
        assertEquals(DepthSchedule.parse("0:1,50:3"), ut.universal().schedule());
        assertEquals(1.0, ut.universal().qatNoise());
    }

    @Test
    void mistakesNameTheirKey() {
        BatonConfigException e = assertThrows(BatonConfigException.class,
                () -> model("baton.golf.universal.enabled=true", "baton.golf.universal.depth-schedule=0:2,100"));
        assertTrue(e.getMessage().startsWith("baton.golf.universal.depth-schedule"), e.getMessage());
        assertTrue(e.getMessage().contains("\"100\""), e.getMessage());
        e = assertThrows(BatonConfigException.class, () -> model("baton.golf.xsa.last-layers=99"));
        assertTrue(e.getMessage().startsWith("baton.golf.xsa.last-layers = 99"), e.getMessage());
        e = assertThrows(BatonConfigException.class, () -> model("baton.golf.input.bigram-buckets=1"));
        assertTrue(e.getMessage().startsWith("baton.golf.input"), e.getMessage());
        e = assertThrows(BatonConfigException.class,
                () -> model("baton.golf.universal.enabled=true", "baton.golf.universal.qat-noise=-1"));
        assertTrue(e.getMessage().startsWith("baton.golf.universal.qat-noise"), e.getMessage());
    }
}
