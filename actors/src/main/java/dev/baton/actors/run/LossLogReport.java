package dev.baton.actors.run;

import dev.baton.runtime.train.LossLog;
import dev.baton.runtime.train.LossSum;
import dev.baton.runtime.train.StepRecord;

import java.nio.file.Path;
import java.util.function.LongToDoubleFunction;

/**
 * The run's JSON-lines loss log ({@link LossLog}): one {@link StepRecord} per step, numbered like
 * the record's log (step = steps done, so the initial validation is step 0), with the step's
 * training loss, the validation loss when it validated, its lr factor, and the tokens and training
 * time so far. A resumed run first drops the lines after its checkpoint, so the file always reads
 * as one uninterrupted run.
 */
public final class LossLogReport implements RunListener {
    private final Path file;
    private final LongToDoubleFunction lrFactor;
    private LossLog log;
    private long validatedAt = -1;
    private double valLoss = Double.NaN;

    /** @param lrFactor the schedule's lr factor of a step (the log's {@code lr}) */
    public LossLogReport(Path file, LongToDoubleFunction lrFactor) {
        this.file = file;
        this.lrFactor = lrFactor;
    }

    public Path file() {
        return file;
    }

    @Override
    public void started(int world, long firstStep, long steps) {
        log = firstStep == 0 ? LossLog.fresh(file) : LossLog.resumed(file, Math.toIntExact(firstStep));
    }

    @Override
    public void evaluated(long stepsDone, LossSum result) {
        if (stepsDone == 0) {
            log.write(new StepRecord(0, Double.NaN, result.perToken(), lrFactor.applyAsDouble(0), 0, 0));
        } else {
            validatedAt = stepsDone;
            valLoss = result.perToken();
        }
    }

    @Override
    public void stepDone(StepReport r) {
        int step = Math.toIntExact(r.step() + 1);
        double val = validatedAt == step ? valLoss : Double.NaN;
        log.write(new StepRecord(step, r.loss(), val, lrFactor.applyAsDouble(r.step()), r.totalTokens(),
                r.trainNanos() / 1_000_000L));
    }

    @Override
    public void finished(RunResult result) {
        if (log != null) {
            log.close();
            log = null;
        }
    }
}
