package dev.baton.launcher.golf;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.StopMode;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.actors.training.golf.GolfBatchSource;
import dev.baton.actors.training.golf.GolfDeviceWork;
import dev.baton.actors.training.golf.GolfLrScales;
import dev.baton.actors.training.golf.GolfValidation;
import dev.baton.actors.training.golf.GolfWorkFactory;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.WorkFactory;
import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ResolvedConfig;
import dev.baton.launcher.ExitCodes;
import dev.baton.runtime.golf.WeightEma;
import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.TrainingClock;
import dev.baton.runtime.train.LossSum;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code baton train} for the golf family on W CPU devices through the actor runtime: each device
 * an actor with its replica, Muon's matrices sharded by whole matrices, Adam's parameters
 * all-reduced ({@link GolfWorkFactory}); the validation split over the devices; the baseline's log
 * lines; the stop after the step that spends the wall-clock budget. The training clock counts
 * only the steps' own time (the coordinator's step walls), so validation never eats the budget.
 * At the end rank 0's weights are saved, exported and scored after the round trip exactly as the
 * single-device run does ({@link GolfTrainRun}), with the weight average that the coordinator's
 * thread keeps of rank 0's weights between steps. Not yet: checkpoints during the run.
 */
final class GolfActorsTrainRun {
    private GolfActorsTrainRun() {
    }

    /** Micro-steps per device: the configured {@code grad-accum-steps}, or 8 / W as the baseline. */
    static int accumSteps(int configured, int world) {
        if (configured > 0) {
            return configured;
        }
        if (8 % world != 0) {
            throw new BatonConfigException("golf on " + world + " devices: the baseline's 8 micro-batches do not split "
                    + "over " + world + " devices; set baton.run.grad-accum-steps (micro-steps per device)");
        }
        return 8 / world;
    }

    /** The seed-001 switches whose timing or second model only the one-device trainer runs. */
    static final String SINGLE_DEVICE_ONLY = "golf on several devices runs neither a depth recurrence switched on "
            + "during training (baton.golf.recurrence.activate-at > 0) nor a separate evaluation length "
            + "(baton.golf.eval.seq-len): set activate-at = 0 and eval.seq-len = 0, or baton.devices.count = 1";

    static int run(ResolvedConfig config, PrintWriter out, int world) {
        GolfSettings golf = GolfSettings.of(config.settings());
        GolfScoreFirst scoreFirst = GolfScoreFirst.of(config.settings());
        GolfQuantSettings quant = GolfQuantSettings.of(config.settings());
        if (golf.model().arch().recurrent() && golf.recurrenceAt() > 0 || golf.evalSeqLen() != golf.seqLen()) {
            throw new BatonConfigException(SINGLE_DEVICE_ONLY);
        }
        GolfData data = GolfData.resolve(config.settings(), golf);
        int accum = accumSteps(config.settings().wholeNumber("baton.run.grad-accum-steps"), world);
        int seq = golf.seqLen();
        if (golf.tokensPerStep() % (world * accum * seq) != 0) {
            throw new BatonConfigException("baton.golf.train.tokens-per-step = " + golf.tokensPerStep() + " must split into "
                    + world + " devices x " + accum + " micro-steps of whole " + seq + "-token sequences");
        }
        int[] val = data.validation(golf);
        int evalTokens = Math.max(seq, golf.evalTokensPerBatch() / (world * accum) / seq * seq);
        int maxTokens = Math.max(golf.tokensPerStep() / (world * accum), evalTokens);
        long iterations = golf.schedule().iterations();
        AtomicLong stepNanos = new AtomicLong();
        GolfLrScales scales = new GolfLrScales(golf.schedule(), new TrainingClock(stepNanos::get));
        GolfWorkFactory factory = new GolfWorkFactory(golf.model(), golf.optimizer(), scales, golf.seed(), seq, maxTokens,
                Math.max(1, golf.threads() / world));
        GolfValidation validation = new GolfValidation(val, GolfScoring.plan(val.length, seq, golf.evalStride()),
                data.bytes(), evalTokens / seq);
        GolfBatchSource source = new GolfBatchSource(data.shards().train(), golf.tokensPerStep(), accum, scales, validation);
        ParamSet rankZero = new ParamSet(); // rank 0's tensors, never closed here: the work owns them
        WorkFactory work = new WorkFactory() {
            @Override
            public List<ParamLayout> layouts(int w) {
                return factory.layouts(w);
            }

            @Override
            public DeviceWork create(int rank, ShardPlan plan) {
                GolfDeviceWork w = factory.create(rank, plan);
                if (rank == 0) {
                    // CPU tensors live on the heap: rank 0's weights stay readable after the run closed its work
                    for (Param p : w.params().all()) {
                        rankZero.add(p);
                    }
                }
                return w;
            }
        };
        log(out, String.format(Locale.ROOT, "golf %s on %d CPU devices through the actors: %,d params; %,d tokens per step "
                        + "in %d micro-step(s) per device of %d-token sequences", config.profile(), world,
                GolfParams.count(golf.model()), golf.tokensPerStep(), accum, seq));
        AtomicReference<TrainingRun> running = new AtomicReference<>();
        AtomicReference<WeightEma> ema = new AtomicReference<>();
        CpuOps host = new CpuOps(1); // the coordinator thread's, for the weight average
        AtomicBoolean budgetSpent = new AtomicBoolean();
        RunListener listener = new RunListener() {
            /** Rank 0's replica is idle between steps (its streams drained), so the average reads it here. */
            @Override
            public void started(int w, long firstStep, long steps) {
                if (golf.emaDecay() > 0) {
                    ema.set(WeightEma.of(host, rankZero, golf.emaDecay()));
                }
            }

            /** The validation after step n - 1, told before that step's report: logged after its train line. */
            private BitsPerByte pending;

            @Override
            public void stepDone(StepReport r) {
                if (ema.get() != null) {
                    ema.get().update(host, rankZero);
                }
                stepNanos.set(r.trainNanos());
                double ms = stepNanos.get() / 1e6;
                long n = r.step() + 1;
                if (n <= 10 || n % golf.logEvery() == 0 || n == iterations) {
                    log(out, String.format(Locale.ROOT, "step:%d/%d train_loss:%.4f lr_scale:%.3f train_time:%.0fms "
                            + "step_avg:%.2fms", n, iterations, r.loss(), scales.at(r.step()), ms, ms / n));
                }
                if (pending != null) {
                    logValidation(n, pending);
                    pending = null;
                }
                if (scales.budgetSpent() && !budgetSpent.getAndSet(true)) {
                    log(out, String.format(Locale.ROOT, "stopping_early: wallclock_cap train_time:%.0fms step:%d/%d",
                            ms, n, iterations));
                    TrainingRun run = running.get();
                    if (run != null) {
                        run.requestStop(StopMode.FINISH_STEP);
                    }
                }
            }

            @Override
            public void evaluated(long stepsDone, LossSum result) {
                if (stepsDone == 0) {
                    logValidation(0, validation.score(result));
                } else {
                    pending = validation.score(result);
                }
            }

            private void logValidation(long stepsDone, BitsPerByte r) {
                double ms = stepNanos.get() / 1e6;
                log(out, String.format(Locale.ROOT, "step:%d/%d %s train_time:%.0fms step_avg:%.2fms", stepsDone,
                        iterations, GolfScoring.describe(r, false), ms, ms / Math.max(stepsDone, 1)));
            }
        };
        RunSettings settings = RunSettings.defaults(world, iterations).withEval(golf.evalEvery(), true)
                .withTimeouts(Duration.ofHours(1), Duration.ofMinutes(30));
        Workload golfWork = factory.workload(source);
        RunResult result;
        try (host; TrainingRun run = TrainingRun.start(settings,
                new Workload(work, golfWork.data(), golfWork.table(), golfWork.schedule()), listener)) {
            running.set(run);
            if (budgetSpent.get()) {
                run.requestStop(StopMode.FINISH_STEP);
            }
            result = run.await(Duration.ofDays(7));
        }
        if (!result.ok()) {
            log(out, "baton train: " + result.message());
            return result.status() == RunResult.Status.REFUSED ? ExitCodes.USAGE : ExitCodes.FAILURE;
        }
        try (CpuOps ops = new CpuOps(golf.threads()); ParamSet params = GolfParams.allocate(ops, golf.model());
             GolfGpt gpt = new GolfGpt(ops, golf.model(), params, seq, Math.max(golf.evalForwardTokens(), seq))) {
            for (Param p : params.all()) {
                ops.copy(p.value(), rankZero.get(p.name()).value());
            }
            GolfTrainRun.finishing(golf, data, out, scoreFirst, quant).finish(ops, gpt, params, ema.get(), val, result.nextStep());
        }
        return ExitCodes.OK;
    }

    private static void log(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }
}
