package dev.baton.actors.run;

import dev.baton.actors.work.EvalResult;
import dev.baton.runtime.report.ProgressBar;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressReportTest {
    @Test
    void reportsStepLossValidationAndTokenRate() {
        AtomicLong clock = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar("train", 10, ProgressBar.Style.PLAIN, out, clock::get, 0);
        ProgressReport p = new ProgressReport(bar, out);
        p.started(2, 0, 10);
        clock.set(2_000_000_000L);
        p.stepDone(new StepReport(0, 3.25, 4096, 1_000_000, List.of()));
        p.evaluated(0, new EvalResult(6.5, 2));
        assertEquals("step 1/10 loss 3.2500 val 3.2500 2.0k tok/s", p.detail());
        p.finished(new RunResult(RunResult.Status.STOPPED, 1, "stopped on request after step 0", null));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("training on 2 devices, steps 0..9"), text);
        assertTrue(text.contains("step 1/10 loss 3.2500"), text);
        assertTrue(text.trim().endsWith("stopped on request after step 0"), text);
    }
}
