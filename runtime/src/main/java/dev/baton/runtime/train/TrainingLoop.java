package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.CheckpointStore;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.schedule.AttentionWindows;
import dev.baton.runtime.schedule.TrainingSchedule;

import java.nio.file.Path;
import java.util.List;

/**
 * The record's training loop (its TrainingManager and main loop) around a {@link StepExecutor}:
 * per step the schedule's batch size, windows, MTP weights, lr and momentum, the micro-batches of
 * every rank from the {@link BatchLoader}; YaRN before the step that first uses a longer window;
 * validation at step 0, every {@code val-every} steps and after the last step (then with the
 * extended window); the loss log; checkpoints; and the stop on request.
 *
 * <p>Checkpoints are taken only after a step that leaves no Adam gradient accumulating (the
 * record's Adam steps), so a checkpoint holds the whole training state; one due after another step
 * is deferred by one step. The checkpoint after the last step is always written.
 */
public final class TrainingLoop {
    private final TrainingConfig config;
    private final RunPolicy policy;
    private final StepExecutor exec;
    private final ShardSet trainShards;
    private final ShardSet valShards;
    private final LoaderOptions loaderOptions;
    private final TrainingListener listener;
    private final StopRequest stop;
    private final String configText;
    private final TrainingSchedule schedule;
    private final CheckpointStore store;

    /**
     * @param configText the resolved configuration, stored in each checkpoint (null: none)
     */
    public TrainingLoop(TrainingConfig config, RunPolicy policy, StepExecutor exec, ShardSet trainShards,
                        ShardSet valShards, LoaderOptions loaderOptions, TrainingListener listener, StopRequest stop,
                        String configText) {
        this.config = config;
        this.policy = policy;
        this.exec = exec;
        this.trainShards = trainShards;
        this.valShards = valShards;
        this.loaderOptions = loaderOptions;
        this.listener = listener;
        this.stop = stop;
        this.configText = configText;
        this.schedule = new TrainingSchedule(config.schedule());
        this.store = new CheckpointStore(policy.checkpointDir(), policy.checkpointKeep());
    }

    /** Trains from the executor's current weights (fresh) or from {@code resume} (null for a fresh run). */
    public TrainingOutcome run(TrainingCheckpoint.Loaded resume) {
        int n = schedule.numIterations();
        ModelFingerprint model = ModelFingerprint.of(config.model());
        int step = 0;
        LoaderState position = LoaderState.START;
        long tokens = 0;
        long elapsedNanos = 0;
        if (resume != null) {
            checkResumable(resume, model, n);
            exec.importState(resume.state());
            step = resume.index().nextStep();
            position = resume.index().data();
            tokens = resume.index().tokens();
            elapsedNanos = resume.index().elapsedMillis() * 1_000_000L;
        }
        BatchLoader loader = new BatchLoader(trainShards, policy.world(), policy.accumSteps(), loaderOptions, position);
        Validation val = policy.valSteps() == 0 ? null : new Validation(valShards, policy, loaderOptions.bosId());
        double lastTrain = Double.NaN;
        double lastVal = Double.NaN;
        Path lastCheckpoint = null;
        int lastCheckpointStep = resume != null ? step : -1;
        boolean deferred = false;
        TrainingOutcome.Status status = TrainingOutcome.Status.COMPLETED;
        try (LossLog log = resume != null ? LossLog.resumed(policy.logFile(), step) : LossLog.fresh(policy.logFile())) {
            listener.started(step, n);
            if (resume == null && policy.valEvery() > 0 && val != null) {
                // the record validates the initial model too (step 0 is a multiple of val-every)
                lastVal = val.loss(exec, evaluationWindows(schedule, 0));
                emit(log, new StepRecord(0, Double.NaN, lastVal, schedule.lrFactor(0), 0, 0));
            }
            while (step < n) {
                StepSpec spec = StepSpec.of(schedule, step);
                var batches = MicroBatches.of(loader.nextStep(schedule.batchTokens(step)));
                long t0 = System.nanoTime();
                LossSum loss = exec.train(spec, batches);
                elapsedNanos += System.nanoTime() - t0;
                tokens += loss.tokens();
                lastTrain = loss.perToken();
                step++;
                // the record's advance_schedule(step): YaRN before the validation and step that use the new window
                schedule.yarnTransition(step).ifPresent(exec::applyYarn);
                double valLoss = Double.NaN;
                if (val != null && (step == n || (policy.valEvery() > 0 && step % policy.valEvery() == 0))) {
                    valLoss = val.loss(exec, evaluationWindows(schedule, step));
                    lastVal = valLoss;
                }
                emit(log, new StepRecord(step, lastTrain, valLoss, spec.lrFactor(), tokens, elapsedNanos / 1_000_000L));

                boolean pending = !spec.adamStep();
                boolean due = step == n || deferred || (policy.checkpointEvery() > 0 && step % policy.checkpointEvery() == 0);
                if (due && pending && step < n) {
                    if (!deferred) {
                        listener.notice("checkpoint after step " + step + " deferred by one step: Adam gradients of step "
                                + (step - 1) + " are still accumulating");
                    }
                    deferred = true;
                } else if (due) {
                    lastCheckpoint = checkpoint(step, loader.state(), tokens, elapsedNanos, pending, model);
                    lastCheckpointStep = step;
                    deferred = false;
                }
                if (stop.requested() && step < n) {
                    if (pending) {
                        listener.notice("stopping after step " + (step + 1) + " instead of " + step
                                + ", so that the checkpoint holds no half-accumulated Adam gradients");
                        continue;
                    }
                    if (lastCheckpointStep != step) {
                        lastCheckpoint = checkpoint(step, loader.state(), tokens, elapsedNanos, false, model);
                    }
                    status = TrainingOutcome.Status.STOPPED;
                    break;
                }
            }
        }
        return new TrainingOutcome(status, step, lastTrain, lastVal, lastCheckpoint, tokens, elapsedNanos / 1_000_000L);
    }

    private void checkResumable(TrainingCheckpoint.Loaded resume, ModelFingerprint model, int n) {
        CheckpointIndex index = resume.index();
        List<String> diff = index.model().differences(model);
        if (!diff.isEmpty()) {
            throw new CheckpointException("checkpoint " + resume.dir() + " was written for another model: "
                    + String.join("; ", diff) + ". Resume with the configuration it was written with (its "
                    + TrainingCheckpoint.CONFIG + "), or start a fresh run");
        }
        if (index.nextStep() > n || (index.pendingAdamGradients() && index.nextStep() < n)) {
            throw new CheckpointException("checkpoint " + resume.dir() + " resumes at step " + index.nextStep()
                    + (index.nextStep() > n ? " but this run has only " + n + " steps"
                    : " after a step whose Adam gradients it does not hold (it ended a run of " + index.nextStep()
                    + " steps)") + "; resume with the schedule it was written with");
        }
    }

    /**
     * The windows the model is evaluated (or sampled) with after {@code stepsDone} steps: the next
     * step's, or after the last step the record's final validation windows (the long window
     * extended without another YaRN). MTP weights do not apply to evaluation.
     */
    public static ForwardSchedule evaluationWindows(TrainingSchedule schedule, int stepsDone) {
        AttentionWindows w = stepsDone >= schedule.numIterations() ? schedule.finalValidationWindows()
                : schedule.windows(stepsDone);
        return new ForwardSchedule(new float[] {1f}, w.shortBlocks(), w.longBlocks());
    }

    private Path checkpoint(int step, LoaderState position, long tokens, long elapsedNanos, boolean pending,
                            ModelFingerprint model) {
        TrainingState state = exec.exportState();
        CheckpointIndex index = new CheckpointIndex(step, 1, TrainingCheckpoint.layouts(config.table(), config.model()),
                position, tokens, elapsedNanos / 1_000_000L, pending, state.yarn(), model);
        Path tmp = store.begin(step);
        try {
            TrainingCheckpoint.write(tmp, state, index, config.table(), configText);
            Path dir = store.commit(tmp, step);
            listener.checkpointed(step, dir);
            return dir;
        } catch (RuntimeException e) {
            store.discard(tmp);
            throw e;
        }
    }

    private void emit(LossLog log, StepRecord r) {
        log.write(r);
        listener.stepDone(r);
    }
}
