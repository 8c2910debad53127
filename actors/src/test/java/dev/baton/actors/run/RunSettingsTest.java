package dev.baton.actors.run;

import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.runtime.optim.ParamTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunSettingsTest {
    private static RunSettings load(String profile, String... sets) {
        return RunSettings.fromConfig(ConfigLoader.fromClasspath().load(ConfigRequest.profile(profile).withSets(sets)).config());
    }

    @Test
    void theRecordProfileBindsTheRecordsScheduleAndOrders() {
        RunSettings s = load("speedrun-8xh100");
        assertEquals(1765, s.steps());
        assertEquals(ParamTable.record().scatterOrder(), s.orders().paramOrder());
        assertEquals(ParamTable.record().workOrder(), s.orders().workOrder());
        assertEquals(List.of(), s.orders().groups());
        assertEquals(Duration.ofSeconds(600), s.stepTimeout());
    }

    @Test
    void tinyCpuRunsTwoDevicesOverASlowLinkAndTracesEveryStep() {
        RunSettings s = load("tiny-cpu");
        assertEquals(2, s.world());
        assertEquals(240 + 20, s.steps(), "scheduled + extension steps of tiny-cpu");
        assertEquals(50_000, s.link().latencyNanos());
        assertEquals(2e9, s.link().bytesPerSecond());
        assertEquals(Path.of("work/trace"), s.traceDir());
        assertEquals(1, s.traceEvery());
        assertEquals(Path.of("work/checkpoints"), s.checkpointDir());
        assertEquals(40, s.evalEvery());
    }

    @Test
    void overridesReachTheRunSettings() {
        RunSettings s = load("tiny-cpu", "baton.devices.count=4", "baton.trace.enabled=false", "baton.run.resume=true",
                "baton.optim.collective-groups=[[scalars,smear_gate]]", "baton.run.checkpoint-keep=0");
        assertEquals(4, s.world());
        assertNull(s.traceDir());
        assertTrue(s.resume());
        assertEquals(List.of(List.of("scalars", "smear_gate")), s.orders().groups());
        assertEquals(0, s.keepCheckpoints());
    }
}
