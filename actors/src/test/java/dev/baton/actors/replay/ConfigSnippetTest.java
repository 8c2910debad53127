package dev.baton.actors.replay;

import com.typesafe.config.Config;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tuner's config snippet loads through the project's configuration loader into the same orders. */
class ConfigSnippetTest {
    @Test
    void theSnippetParsesBackToTheSameOrdersAsTrainWouldBindThem(@TempDir Path dir) throws Exception {
        ScheduleOrders best = new ScheduleOrders(
                List.of("ve0", "attn", "mlp", "scalars", "ve1", "ve2", "smear_gate", "skip_gate", "attn_gate_bank",
                        "ve_gate_bank", "x0_lambdas", "lm_head", "embed"),
                List.of("scalars", "smear_gate", "skip_gate", "attn_gate_bank", "ve_gate_bank", "x0_lambdas", "ve0",
                        "ve1", "ve2", "lm_head", "embed", "mlp", "attn"),
                List.of(List.of("scalars", "smear_gate", "skip_gate"), List.of("ve1", "ve2")));
        ScheduleOrders second = new ScheduleOrders(best.workOrder(), best.paramOrder(), List.of());
        String text = ConfigSnippet.of(List.of(new Candidate(best, 95_000), new Candidate(second, 96_000)),
                new Candidate(second, 100_000), "step 9 of trace/schedule-step-00000009.txt (W=8)");
        assertTrue(text.contains("predicted step time 95.000 ms (the recorded orders: 100.000 ms, -5.0%)"), text);
        Path f = dir.resolve("tuned.conf");
        ConfigSnippet.write(f, text);
        assertTrue(Files.exists(f) && !Files.exists(dir.resolve("tuned.conf.tmp")));

        Config c = ConfigLoader.fromClasspath().load(ConfigRequest.profile(null).withFile(f)).config();
        assertEquals(best.paramOrder(), c.getStringList(ConfigSnippet.SCATTER_ORDER));
        assertEquals(best.workOrder(), c.getStringList(ConfigSnippet.WORK_ORDER));
        assertEquals(best, RunSettings.fromConfig(c).orders(), "train binds exactly the tuned orders");
    }

    @Test
    void emptyGroupsAreWrittenAsAnEmptyList(@TempDir Path dir) throws Exception {
        ScheduleOrders o = new ScheduleOrders(List.of("a"), List.of("a"), List.of());
        String text = ConfigSnippet.of(List.of(new Candidate(o, 1)), new Candidate(o, 1), "test");
        assertTrue(text.contains(ConfigSnippet.COLLECTIVE_GROUPS + " = []"), text);
        assertTrue(text.contains(ConfigSnippet.SCATTER_ORDER + " = [\"a\"]"), text);
    }
}
