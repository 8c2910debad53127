package dev.baton.actors.run;

import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.report.ReadableUnits;
import dev.baton.runtime.train.LossSum;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The console side of a run: a progress bar (step, training loss, tokens per second, ETA) and a
 * line of its own above it for each validation, checkpoint and notice. Rates count only this
 * process's steps, so a resumed run's speed is its own.
 */
public final class ProgressReport implements RunListener {
    private final PrintStream out;
    private final LongFunction<ProgressBar> bars;
    private ProgressBar bar = ProgressBar.silent();
    private long first;
    private long steps;
    private long done;
    private double loss = Double.NaN;
    private double valLoss = Double.NaN;
    private long firstTokens = -1;
    private long firstNanos;
    private long tokens;
    private long trainNanos;

    /** A report on {@code out} whose bar is drawn as {@link ProgressBar#on} decides (terminal or plain lines). */
    public ProgressReport(PrintStream out) {
        this(out, total -> ProgressBar.on(out, "train", total));
    }

    /** @param bars makes the bar for the steps this run will take */
    public ProgressReport(PrintStream out, LongFunction<ProgressBar> bars) {
        this.out = out;
        this.bars = bars;
    }

    @Override
    public void started(int world, long firstStep, long steps) {
        this.first = firstStep;
        this.steps = steps;
        this.done = firstStep;
        out.printf(Locale.ROOT, "training on %d device%s, steps %d..%d%n", world, world == 1 ? "" : "s", firstStep, steps - 1);
        bar = bars.apply(Math.max(1, steps - firstStep));
    }

    @Override
    public void stepDone(StepReport r) {
        if (firstTokens < 0) {
            firstTokens = r.totalTokens() - r.tokens();
            firstNanos = r.trainNanos() - r.wallNanos();
        }
        done = r.step() + 1;
        tokens = r.totalTokens();
        trainNanos = r.trainNanos();
        loss = r.loss();
        bar.update(done - first, detail());
    }

    @Override
    public void evaluated(long stepsDone, LossSum result) {
        valLoss = result.perToken();
        String rate = rate();
        bar.message(String.format(Locale.ROOT, "step %d/%d  val_loss %.4f  (%s of training%s)", stepsDone, steps, valLoss,
                ReadableUnits.duration(stepsDone == first ? 0 : trainNanos / 1e9), rate.isEmpty() ? "" : ", " + rate));
    }

    @Override
    public void checkpointed(long nextStep, Path dir) {
        bar.message("step " + nextStep + "/" + steps + "  checkpoint " + dir);
    }

    @Override
    public void notice(String message) {
        bar.message("note: " + message);
    }

    @Override
    public void finished(RunResult result) {
        if (done > first) {
            bar.finish(done - first, detail());
        }
    }

    /** The bar's detail: "step 40/260  loss 2.264  2.6k tok/s". */
    public String detail() {
        String rate = rate();
        return String.format(Locale.ROOT, "step %d/%d  loss %.3f%s", done, steps, loss, rate.isEmpty() ? "" : "  " + rate);
    }

    /** The latest validation loss, NaN if none ran. */
    public double lastValLoss() {
        return valLoss;
    }

    /** Training time of the run so far (a resumed run's includes its checkpoint's), in seconds. */
    public double trainingSeconds() {
        return trainNanos / 1e9;
    }

    /** Training tokens per second of this process's steps, NaN before the first. */
    public double tokensPerSecond() {
        long nanos = trainNanos - firstNanos;
        return firstTokens < 0 || nanos <= 0 ? Double.NaN : (tokens - firstTokens) * 1e9 / nanos;
    }

    private String rate() {
        double t = tokensPerSecond();
        return Double.isNaN(t) ? "" : ReadableUnits.compact(t) + " tok/s";
    }
}
