package dev.baton.actors.run;

import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.train.LossSum;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console of a run: a bar line per step with the loss and this process's token rate (a resumed
 * run's rate counts only its own steps), and lines of their own for validations, checkpoints and
 * notices.
 */
class ProgressReportTest {
    @Test
    void reportsStepLossValidationCheckpointsAndThisProcesssTokenRate() {
        AtomicLong clock = new AtomicLong();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressReport p = new ProgressReport(out, total -> new ProgressBar("train", total, ProgressBar.Style.PLAIN, out,
                clock::get, 0));
        p.started(2, 4, 10);
        // a resumed run: 8192 tokens and 3 s of training came from the checkpoint
        p.stepDone(new StepReport(4, 3.25, 4096, 1_000_000_000L, List.of(), 8192 + 4096, 4_000_000_000L));
        p.stepDone(new StepReport(5, 3.0, 4096, 1_000_000_000L, List.of(), 8192 + 8192, 5_000_000_000L));
        assertEquals("step 6/10  loss 3.000  4.1k tok/s", p.detail());
        assertEquals(4096, p.tokensPerSecond(), 1e-9);
        p.evaluated(6, new LossSum(6.5, 2));
        assertEquals(3.25, p.lastValLoss());
        p.checkpointed(6, Path.of("ck/step-00000006"));
        p.notice("something to know");
        p.finished(new RunResult(RunResult.Status.STOPPED, 6, "stopped on request after step 5", null));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("training on 2 devices, steps 4..9"), text);
        assertTrue(text.contains("step 6/10  val_loss 3.2500  (5s of training, 4.1k tok/s)"), text);
        assertTrue(text.contains("step 6/10  checkpoint ck/step-00000006"), text);
        assertTrue(text.contains("note: something to know"), text);
        String last = text.lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("train  33%  step 6/10  loss 3.000  4.1k tok/s"), "the bar's final line: " + text);
    }
}
