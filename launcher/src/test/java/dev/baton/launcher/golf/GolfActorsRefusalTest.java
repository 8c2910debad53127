package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.conf.ResolvedConfig;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Golf on several devices refuses the seed-001 switches only the one-device trainer runs, in one message. */
class GolfActorsRefusalTest {
    private static ResolvedConfig config(String... sets) {
        return ConfigLoader.fromClasspath().load(ConfigRequest.profile("golf-tiny").withSets(sets));
    }

    @Test
    void lateRecurrenceAndLongEvaluationAreRefusedOnSeveralDevices() {
        String[][] cases = {
                {"baton.golf.recurrence.loops=1", "baton.golf.recurrence.loop-start=1", "baton.golf.recurrence.loop-end=2",
                        "baton.golf.recurrence.activate-at=0.35"},
                {"baton.golf.eval.seq-len=1024"}};
        for (String[] sets : cases) {
            PrintWriter out = new PrintWriter(new StringWriter());
            BatonConfigException e = assertThrows(BatonConfigException.class,
                    () -> GolfActorsTrainRun.run(config(sets), out, 2));
            assertEquals(GolfActorsTrainRun.SINGLE_DEVICE_ONLY, e.getMessage(), sets[0]);
        }
    }
}
