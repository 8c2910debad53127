package dev.baton.actors.run;

import dev.baton.actors.run.CoordinatorCommand.FromWorker;
import dev.baton.actors.run.CoordinatorCommand.PhaseTimeout;
import dev.baton.actors.run.CoordinatorCommand.RequestStop;
import dev.baton.actors.checkpoint.RankCheckpoint;
import dev.baton.actors.collective.CollectiveFailure;
import dev.baton.actors.collective.Collectives;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.scheduler.OptimizerScheduler;
import dev.baton.actors.scheduler.StepPlanner;
import dev.baton.actors.trace.ScheduleRecorder;
import dev.baton.actors.trace.StepTraceWriter;
import dev.baton.actors.worker.StepTimings;
import dev.baton.actors.worker.WorkerCommand;
import dev.baton.actors.worker.WorkerReply;
import dev.baton.actors.worker.WorkerSetup;
import dev.baton.runtime.checkpoint.CheckpointIndex;
import dev.baton.runtime.checkpoint.CheckpointStore;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.train.LossSum;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The actor that runs training, the one training loop of Baton (W = 1 included): it builds the
 * shard plan, the workers (one per device, each on its own thread) and the scheduler; starts from
 * the seed's weights, given weights or a checkpoint; feeds each step's micro-batches; after each
 * step writes traced steps, validates (the initial model too, and after the last step with the
 * schedule's final windows) and checkpoints when due ({@link CheckpointPolicy}); and ends the run
 * cleanly on completion, on a stop request (after a step that leaves no gradient accumulating, with
 * a checkpoint), or on the first failure, whose message names the device and the cause. Every wait
 * has a timeout, so no run hangs.
 */
public final class RunCoordinator {
    private static final String PHASE = "phase";

    private final ActorContext<CoordinatorCommand> ctx;
    private final TimerScheduler<CoordinatorCommand> timers;
    private final RunSettings settings;
    private final Workload workload;
    private final DeviceBackend backend;
    private final RunListener listener;
    private final CompletableFuture<RunResult> result;
    private final int world;
    private final CheckpointPolicy policy;
    private final List<ActorRef<WorkerCommand>> workers = new ArrayList<>();
    private final Map<ActorRef<Void>, Integer> alive = new LinkedHashMap<>();
    private ShardPlan plan;
    private StepPlanner planner;
    private Collectives collectives;
    private ScheduleRecorder recorder = ScheduleRecorder.off();
    private CheckpointStore store;
    private ActorRef<OptimizerScheduler.Command> scheduler;
    private long nextStep;
    private long tokens;
    private long trainNanos;
    private long phaseToken;
    private boolean stopRequested;
    private boolean stopNoticed;
    private Path lastCheckpoint;
    private Path pendingCheckpoint;

    private RunCoordinator(ActorContext<CoordinatorCommand> ctx, TimerScheduler<CoordinatorCommand> timers, RunSettings settings,
                           Workload workload, DeviceBackend backend, RunListener listener, CompletableFuture<RunResult> result) {
        this.ctx = ctx;
        this.timers = timers;
        this.settings = settings;
        this.workload = workload;
        this.backend = backend;
        this.listener = listener;
        this.result = result;
        this.world = settings.world();
        this.policy = new CheckpointPolicy(settings);
    }

    /** The coordinator of one run; {@code result} completes when the run has ended and every worker stopped. */
    public static Behavior<CoordinatorCommand> create(RunSettings settings, Workload workload, DeviceBackend backend,
                                           RunListener listener, CompletableFuture<RunResult> result) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new RunCoordinator(ctx, timers, settings, workload, backend, listener, result).start()));
    }

    private Behavior<CoordinatorCommand> start() {
        RunPreparation prep;
        try {
            prep = RunPreparation.of(settings, workload);
        } catch (RuntimeException e) {
            return finish(new RunResult(RunResult.Status.REFUSED, 0, e.getMessage(), null));
        }
        plan = prep.plan();
        planner = prep.planner();
        store = prep.store();
        if (settings.traceDir() != null) {
            recorder = ScheduleRecorder.every(settings.traceEvery(), settings.traceSteps(), prep.firstStep());
        }
        collectives = backend.collectives(settings);
        ActorRef<WorkerReply> replies = ctx.messageAdapter(WorkerReply.class, FromWorker::new);
        for (int r = 0; r < world; r++) {
            WorkerSetup setup = new WorkerSetup(r, backend.deviceName(r), plan, workload.work(), collectives.communicator(r),
                    backend.streams(settings), recorder, workload.table().tie().orElse(null), prep.weights(),
                    settings.waitTimeout(), replies);
            ActorRef<WorkerCommand> w = backend.startWorker(ctx, setup);
            ctx.watch(w);
            workers.add(w);
            alive.put(w.unsafeUpcast(), r);
        }
        scheduler = ctx.spawn(OptimizerScheduler.create(planner, workers), "scheduler");
        ctx.watch(scheduler);
        return awaitAll("start", WorkerReply.Ready.class, ready -> {
            if (prep.resumeDir() != null) {
                return load(prep.resumeDir(), prep.resumeIndex());
            }
            return prep.initFile() != null ? initialWeights(prep.initFile()) : begin();
        });
    }

    private Behavior<CoordinatorCommand> load(Path dir, CheckpointIndex index) {
        tellAll(new WorkerCommand.LoadCheckpoint(dir));
        return awaitAll("checkpoint load", WorkerReply.Loaded.class, loaded -> {
            nextStep = index.nextStep();
            tokens = index.tokens();
            trainNanos = index.elapsedMillis() * 1_000_000L;
            try {
                workload.data().restore(index.data());
            } catch (RuntimeException e) {
                return failRun("cannot restore the data position of " + dir + ": " + e.getMessage(), e);
            }
            lastCheckpoint = dir;
            return begin();
        });
    }

    private Behavior<CoordinatorCommand> initialWeights(Path file) {
        tellAll(new WorkerCommand.LoadWeights(file));
        return awaitAll("weights load", WorkerReply.Loaded.class, loaded -> {
            listener.notice("starting from the weights in " + file);
            return begin();
        });
    }

    private Behavior<CoordinatorCommand> begin() {
        listener.started(world, nextStep, settings.steps());
        // as the record: the first evaluation scores the initial model
        return nextStep == 0 && settings.evalEvery() > 0 ? evaluate(this::runStep) : runStep();
    }

    private Behavior<CoordinatorCommand> runStep() {
        if (nextStep >= settings.steps()) {
            return endRun();
        }
        if (stopRequested) {
            if (nextStep == 0 || planner.gradientsConsumed(nextStep - 1)) {
                return endRun();
            }
            if (!stopNoticed) {
                stopNoticed = true;
                listener.notice("stopping after step " + nextStep + " instead of " + (nextStep - 1)
                        + ", so that the checkpoint holds no half-accumulated gradients");
            }
        }
        long step = nextStep;
        Batch[][] batches;
        try {
            batches = workload.data().next(step, world);
            if (batches.length == 0 || Arrays.stream(batches).anyMatch(b -> b.length != world)) {
                throw new IllegalStateException("expected [microSteps][" + world + "] batches");
            }
        } catch (RuntimeException e) {
            return failRun("the data source failed at step " + step + ": " + e.getMessage(), e);
        }
        long stepTokens = Arrays.stream(batches).flatMap(Arrays::stream).mapToLong(Batch::length).sum();
        long started = System.nanoTime();
        int microSteps = batches.length;
        scheduler.tell(new OptimizerScheduler.ScheduleStep(step, batches));
        return awaitAll("step " + step, WorkerReply.StepDone.class,
                done -> afterStep(step, microSteps, stepTokens, System.nanoTime() - started, done));
    }

    private Behavior<CoordinatorCommand> afterStep(long step, int microSteps, long stepTokens, long wall, List<WorkerReply.StepDone> done) {
        double loss = 0;
        List<StepTimings> timings = new ArrayList<>(world);
        for (WorkerReply.StepDone d : done) {
            loss += d.loss();
            timings.add(d.timings());
        }
        tokens += stepTokens;
        trainNanos += wall;
        StepReport report = new StepReport(step, loss / world, stepTokens, wall, timings, tokens, trainNanos);
        if (recorder.records(step)) {
            try {
                new StepTraceWriter(settings.traceDir()).write(step, StepTraceWriter.header(planner.context(step, microSteps),
                        world, settings.link(), planner.orders()), recorder.drain(step));
            } catch (IOException e) {
                return failRun("cannot write the trace of step " + step + " to " + settings.traceDir() + ": " + e.getMessage(), e);
            }
        }
        nextStep = step + 1;
        boolean end = nextStep >= settings.steps();
        boolean evalDue = (settings.evalEvery() > 0 && nextStep % settings.evalEvery() == 0) || (end && settings.evalAtEnd());
        Supplier<Behavior<CoordinatorCommand>> reported = () -> {
            listener.stepDone(report);
            return afterEvaluation();
        };
        return evalDue ? evaluate(reported) : reported.get();
    }

    /** Evaluates the model as it is after {@code nextStep} steps, then continues with {@code then}. */
    private Behavior<CoordinatorCommand> evaluate(Supplier<Behavior<CoordinatorCommand>> then) {
        Batch[][] val;
        try {
            val = workload.data().validation(world);
        } catch (RuntimeException e) {
            return failRun("the data source failed to give validation batches: " + e.getMessage(), e);
        }
        if (val.length == 0) {
            return then.get();
        }
        long step = nextStep;
        for (int r = 0; r < world; r++) {
            List<Batch> mine = new ArrayList<>(val.length);
            for (Batch[] k : val) {
                mine.add(k[r]);
            }
            workers.get(r).tell(new WorkerCommand.Evaluate(step, mine));
        }
        return awaitAll("evaluation", WorkerReply.Evaluated.class, evs -> {
            LossSum sum = LossSum.ZERO;
            for (WorkerReply.Evaluated e : evs) {
                sum = sum.plus(e.result());
            }
            listener.evaluated(step, sum);
            return then.get();
        });
    }

    private Behavior<CoordinatorCommand> afterEvaluation() {
        if (store == null) {
            return runStep();
        }
        boolean consumed = planner.gradientsConsumed(nextStep - 1);
        return switch (policy.after(nextStep, consumed, stopRequested && consumed)) {
            case NONE, DEFER -> runStep();
            case DEFER_WITH_NOTICE -> {
                listener.notice("checkpoint after step " + nextStep + " deferred by one step: the gradients of step "
                        + (nextStep - 1) + " are still accumulating");
                yield runStep();
            }
            case WRITE -> checkpoint(!consumed);
        };
    }

    /** Every rank writes its part into a temp folder; the index and the configuration complete it, then it is committed. */
    private Behavior<CoordinatorCommand> checkpoint(boolean pendingGradients) {
        Path tmp;
        try {
            tmp = store.begin(nextStep);
        } catch (RuntimeException e) {
            return failRun(e.getMessage(), e);
        }
        pendingCheckpoint = tmp;
        tellAll(new WorkerCommand.SaveCheckpoint(nextStep, tmp));
        return awaitAll("checkpoint", WorkerReply.Saved.class, saved -> {
            try {
                if (settings.configText() != null) {
                    Files.writeString(tmp.resolve(CheckpointIndex.CONFIG), settings.configText(), StandardCharsets.UTF_8);
                }
                new CheckpointIndex(nextStep, world, RankCheckpoint.params(plan), workload.data().position(), tokens,
                        trainNanos / 1_000_000L, pendingGradients, workload.model()).write(tmp);
                Path dir = store.commit(tmp, nextStep);
                pendingCheckpoint = null;
                lastCheckpoint = dir;
                listener.checkpointed(nextStep, dir);
            } catch (IOException | RuntimeException e) {
                return failRun("cannot complete the checkpoint in " + store.root() + ": " + e.getMessage(), e);
            }
            return runStep();
        });
    }

    private void tellAll(WorkerCommand command) {
        for (ActorRef<WorkerCommand> w : workers) {
            w.tell(command);
        }
    }

    /** Collects one reply of {@code type} from every rank, or fails the run on a failure, a lost worker or the timeout. */
    private <R extends WorkerReply> Behavior<CoordinatorCommand> awaitAll(String phase, Class<R> type, Function<List<R>, Behavior<CoordinatorCommand>> then) {
        long token = ++phaseToken;
        timers.startSingleTimer(PHASE, new PhaseTimeout(token), settings.stepTimeout());
        RankReplies<R> got = new RankReplies<>(type, world);
        return Behaviors.receive(CoordinatorCommand.class)
                .onMessage(FromWorker.class, m -> {
                    WorkerReply reply = m.reply();
                    if (reply instanceof WorkerReply.WorkerFailed f) {
                        return failRun("device " + f.device() + " (rank " + f.rank() + ") failed during " + phase + ": "
                                + f.message(), f.cause());
                    }
                    if (got.accept(reply)) {
                        timers.cancel(PHASE);
                        return then.apply(got.byRank());
                    }
                    return Behaviors.same();
                })
                .onMessage(PhaseTimeout.class, m -> {
                    if (m.token() != token) {
                        return Behaviors.same();
                    }
                    return failRun(phase + " timed out after " + settings.stepTimeout().toMillis() + " ms: no answer from "
                            + got.missing(backend::deviceName) + " (raise baton.run.step-timeout-s if the work is just slow)", null);
                })
                .onMessage(RequestStop.class, m -> {
                    if (m.mode() == StopMode.ABANDON) {
                        return abandon();
                    }
                    stopRequested = true;
                    return Behaviors.same();
                })
                .onSignal(Terminated.class, s -> lost(s, phase))
                .build();
    }

    private Behavior<CoordinatorCommand> lost(Terminated s, String phase) {
        Integer rank = alive.remove(s.getRef());
        String who = rank != null ? "device " + backend.deviceName(rank) + " (rank " + rank + ")" : "the scheduler";
        Throwable cause = s instanceof ChildFailed cf ? cf.getCause() : null;
        return failRun(who + " stopped unexpectedly during " + phase
                + (cause != null ? ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage() : ""), cause);
    }

    private Behavior<CoordinatorCommand> endRun() {
        boolean completed = nextStep >= settings.steps();
        RunResult r = new RunResult(completed ? RunResult.Status.COMPLETED : RunResult.Status.STOPPED, nextStep,
                completed ? "" : nextStep == 0 ? "stopped on request before the first step"
                        : "stopped on request after step " + (nextStep - 1), lastCheckpoint);
        tellAll(new WorkerCommand.Stop(false));
        return stopping(r);
    }

    private Behavior<CoordinatorCommand> abandon() {
        return shutDown(new RunResult(RunResult.Status.STOPPED, nextStep, "stopped on request; step " + nextStep
                + " was abandoned", lastCheckpoint), new CollectiveFailure("the run was stopped"));
    }

    private Behavior<CoordinatorCommand> failRun(String message, Throwable cause) {
        return shutDown(new RunResult(RunResult.Status.FAILED, nextStep, message, lastCheckpoint),
                new CollectiveFailure(message, cause));
    }

    /** Aborts communication, discards a half-written checkpoint and stops every worker at once. */
    private Behavior<CoordinatorCommand> shutDown(RunResult r, Throwable cause) {
        if (pendingCheckpoint != null) {
            store.discard(pendingCheckpoint);
            pendingCheckpoint = null;
        }
        collectives.abort(cause);
        tellAll(new WorkerCommand.Stop(true));
        return stopping(r);
    }

    /** Waits until every worker has stopped, then ends; keeps the first failure's message. */
    private Behavior<CoordinatorCommand> stopping(RunResult r) {
        if (alive.isEmpty()) {
            return finish(r);
        }
        long token = ++phaseToken;
        timers.startSingleTimer(PHASE, new PhaseTimeout(token), settings.stepTimeout());
        return WorkerShutdown.await(r, token, alive, backend::deviceName, settings.stepTimeout(), this::finish);
    }

    private Behavior<CoordinatorCommand> finish(RunResult r) {
        timers.cancel(PHASE);
        if (collectives != null) {
            collectives.close();
        }
        listener.finished(r);
        result.complete(r);
        return Behaviors.stopped();
    }
}
