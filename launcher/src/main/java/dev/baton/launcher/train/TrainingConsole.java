package dev.baton.launcher.train;

import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.report.ReadableUnits;
import dev.baton.runtime.train.StepRecord;
import dev.baton.runtime.train.TrainingListener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The console side of a training run: a progress bar on stderr (step, loss, tokens/s, ETA) and a
 * line per validation and notice above it. Rates count only this process's steps, so a resumed
 * run's speed is its own.
 */
public final class TrainingConsole implements TrainingListener {
    private final PrintStream err;
    private ProgressBar bar;
    private int first;
    private int total;
    private StepRecord start;
    private StepRecord latest;

    public TrainingConsole(PrintStream err) {
        this.err = err;
    }

    @Override
    public void started(int firstStep, int totalSteps) {
        first = firstStep;
        total = totalSteps;
        bar = ProgressBar.on(err, "train", Math.max(1, totalSteps - firstStep));
    }

    @Override
    public void stepDone(StepRecord r) {
        if (start == null) {
            start = r.step() == first ? r : new StepRecord(first, Double.NaN, Double.NaN, 0, r.tokens(), r.elapsedMillis());
        }
        latest = r;
        String rate = rate();
        if (!Double.isNaN(r.valLoss())) {
            bar.message(String.format(Locale.ROOT, "step %d/%d  val_loss %.4f%s  (%s%s)", r.step(), total, r.valLoss(),
                    Double.isNaN(r.trainLoss()) ? "" : String.format(Locale.ROOT, "  train_loss %.4f", r.trainLoss()),
                    ReadableUnits.duration(r.elapsedMillis() / 1000.0), rate.isEmpty() ? "" : ", " + rate));
        }
        if (r.step() > first) {
            bar.update(r.step() - first, String.format(Locale.ROOT, "step %d/%d  loss %.3f  %s", r.step(), total,
                    r.trainLoss(), rate));
        }
    }

    @Override
    public void checkpointed(int nextStep, Path dir) {
        if (nextStep < total) {
            bar.message("step " + nextStep + "/" + total + "  checkpoint " + dir);
        }
    }

    @Override
    public void notice(String message) {
        bar.message("note: " + message);
    }

    /** Ends the bar's line with the final state. */
    public void finish() {
        if (bar != null && latest != null && latest.step() > first) {
            bar.finish(latest.step() - first, String.format(Locale.ROOT, "step %d/%d  loss %.3f  %s", latest.step(),
                    total, latest.trainLoss(), rate()));
        }
    }

    /** Training tokens per second of this process's steps. */
    public double tokensPerSecond() {
        if (start == null || latest == null || latest.elapsedMillis() <= start.elapsedMillis()) {
            return Double.NaN;
        }
        return (latest.tokens() - start.tokens()) * 1000.0 / (latest.elapsedMillis() - start.elapsedMillis());
    }

    private String rate() {
        double t = tokensPerSecond();
        return Double.isNaN(t) ? "" : ReadableUnits.compact(t) + " tok/s";
    }
}
