package dev.baton.actors.run;

import dev.baton.actors.work.EvalResult;
import dev.baton.runtime.report.ProgressBar;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The run's progress on a {@link ProgressBar}: step, loss, tokens per second, the last
 * validation loss; checkpoints, notices and the end as lines of their own.
 */
public final class ProgressReport implements RunListener {
    private final ProgressBar bar;
    private final PrintStream out;
    private long steps;
    private long done;
    private long tokens;
    private double loss = Double.NaN;
    private double valLoss = Double.NaN;

    public ProgressReport(ProgressBar bar, PrintStream out) {
        this.bar = bar;
        this.out = out;
    }

    @Override
    public void started(int world, long firstStep, long steps) {
        this.steps = steps;
        this.done = firstStep;
        out.printf(Locale.ROOT, "training on %d device%s, steps %d..%d%n", world, world == 1 ? "" : "s", firstStep, steps - 1);
    }

    @Override
    public void stepDone(StepReport r) {
        done = r.step() + 1;
        tokens += r.tokens();
        loss = r.loss();
        bar.update(done, detail());
    }

    @Override
    public void evaluated(long step, EvalResult result) {
        valLoss = result.meanLoss();
        bar.update(done, detail());
    }

    @Override
    public void checkpointed(long nextStep, Path dir) {
        out.println();
        out.println("checkpoint " + dir);
    }

    @Override
    public void notice(String message) {
        out.println();
        out.println(message);
    }

    @Override
    public void finished(RunResult result) {
        bar.finish(done, detail());
        if (!result.message().isEmpty()) {
            out.println(result.message());
        }
    }

    /** The bar's detail: "step 40/130 loss 3.2812 val 3.3011 12.3k tok/s". */
    public String detail() {
        double seconds = Math.max(bar.elapsedSeconds(), 1e-9);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "step %d/%d loss %.4f", done, steps, loss));
        if (!Double.isNaN(valLoss)) {
            b.append(String.format(Locale.ROOT, " val %.4f", valLoss));
        }
        double rate = tokens / seconds;
        b.append(rate >= 1000 ? String.format(Locale.ROOT, " %.1fk tok/s", rate / 1000) : String.format(Locale.ROOT, " %.0f tok/s", rate));
        return b.toString();
    }
}
