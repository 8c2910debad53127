package dev.baton.conf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Edit distance and the nearest-key rule behind "did you mean". */
class ReferenceKeysTest {
    private final ConfigLoader loader = ConfigLoader.fromClasspath();

    @Test
    void editDistanceCountsSingleCharacterEdits() {
        assertEquals(0, ReferenceKeys.editDistance("seed", "seed"));
        assertEquals(1, ReferenceKeys.editDistance("seed", "seeds"));
        assertEquals(1, ReferenceKeys.editDistance("seed", "sed"));
        assertEquals(1, ReferenceKeys.editDistance("seed", "seet"));
        assertEquals(3, ReferenceKeys.editDistance("kitten", "sitting"));
        assertEquals(4, ReferenceKeys.editDistance("", "abcd"));
    }

    @Test
    void nearestKeyPrefersTypoFixesThenWrongParents() {
        ReferenceKeys keys = new ReferenceKeys(com.typesafe.config.ConfigFactory.parseResources("reference.conf").resolve());
        assertEquals("baton.optim.adam.lr", keys.nearest("baton.optim.adm.lr"));
        assertEquals("baton.model.layout.skip-in", keys.nearest("baton.model.skip-in"));
        assertEquals("baton.optim.schedule.batch-tokens", keys.nearest("baton.data.batch-tokens"));
        assertEquals("baton.devices.count", keys.nearest("baton.devices.cuont"));
        assertTrue(loader.keyPaths().contains("baton.optim.param-table.smear_gate.lr-mul"));
    }
}
