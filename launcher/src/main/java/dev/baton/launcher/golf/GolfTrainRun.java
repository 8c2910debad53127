package dev.baton.launcher.golf;

import dev.baton.conf.ResolvedConfig;
import dev.baton.launcher.ExitCodes;
import dev.baton.runtime.data.TokenStream;
import dev.baton.runtime.golf.GolfWeights;
import dev.baton.runtime.golf.WeightEma;
import dev.baton.runtime.golf.artifact.GolfArtifact;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.eval.ScoreFirstResult;
import dev.baton.runtime.golf.train.GolfTrainer;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.conf.BatonConfigException;
import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.TrainingClock;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code baton train} for the golf family, as the baseline's {@code main()} runs on one device:
 * validation at step 0, every {@code eval.every} steps and after the last (outside the training
 * clock), training-loss lines in the baseline's log format, the stop after the step that spends the
 * wall-clock budget, then the weights (and their average) saved, the artifact written and
 * evaluated after the round trip ({@code final_roundtrip_exact val_bpb}, the challenge's score), and
 * again with score-first TTT and/or n-gram mixing when {@code baton.golf.eval.ttt} / {@code .ngram}
 * is enabled ({@code final_<int8|int6>_<codec>_roundtrip_<ttt|ngram|ttt_ngram>_exact}); with
 * {@code export.quant = gptq-int6} GPTQ is calibrated on training batches first.
 */
public final class GolfTrainRun {
    private final GolfSettings golf;
    private final GolfData data;
    private final PrintWriter out;
    private final GolfScoreFirst scoreFirst;
    private final GolfQuantSettings quant;

    private GolfTrainRun(GolfSettings golf, GolfData data, PrintWriter out, GolfScoreFirst scoreFirst,
                         GolfQuantSettings quant) {
        this.golf = golf;
        this.data = data;
        this.out = out;
        this.scoreFirst = scoreFirst;
        this.quant = quant;
    }

    /** Trains with the configuration; returns the exit code. */
    public static int run(ResolvedConfig config, PrintWriter out) {
        GolfSettings.Devices devices = GolfSettings.devices(config.settings());
        if (devices.count() > 1) {
            return GolfActorsTrainRun.run(config, out, devices.count());
        }
        boolean gpu = devices.gpu();
        GolfSettings golf = GolfSettings.of(config.settings());
        if (gpu) {
            CudaAvailability.Status cuda = CudaAvailability.probe();
            if (!cuda.available()) {
                throw new BatonConfigException("baton.devices.kind = cuda, but there is no CUDA device (" + cuda.reason()
                        + "); use --set baton.devices.kind=cpu");
            }
        }
        GolfData data = GolfData.resolve(config.settings(), golf);
        return new GolfTrainRun(golf, data, out, GolfScoreFirst.of(config.settings()),
                GolfQuantSettings.of(config.settings())).train(config.profile(), gpu);
    }

    /** The backend and optimizer kernels of a run: CudaOps on GPU 0, or CpuOps; closed together. */
    private record Backend(Ops ops, OptimizerKernels kernels) implements AutoCloseable {
        static Backend open(boolean gpu, int threads) {
            if (!gpu) {
                return new Backend(new CpuOps(threads), new CpuOptimizerKernels(threads));
            }
            CudaOps cuda = CudaOps.open(0);
            try {
                return new Backend(cuda, new CudaOptimizerKernels(cuda));
            } catch (RuntimeException e) {
                cuda.close();
                throw e;
            }
        }

        @Override
        public void close() {
            ops.synchronize();
            kernels.close();
            ops.close();
        }
    }

    private int train(String profile, boolean gpu) {
        int[] val = data.validation(golf);
        long iterations = golf.schedule().iterations();
        log(String.format(Locale.ROOT, "golf %s: %d x %d, %d heads over %d KV heads, MLP %dx, vocab %d: %,d params",
                profile, golf.model().numLayers(), golf.model().modelDim(), golf.model().numHeads(),
                golf.model().numKvHeads(), golf.model().mlpMult(), golf.model().vocabSize(), GolfParams.count(golf.model())));
        log(String.format(Locale.ROOT, "data: %s (%,d train tokens, %,d validation tokens); %,d tokens per step in %d "
                        + "micro-step(s) of %d-token sequences", data.shards().description(),
                data.shards().train().totalTokens(), val.length, golf.tokensPerStep(), golf.accumSteps(), golf.seqLen()));
        log(String.format(Locale.ROOT, "schedule: %s; EMA %s", golf.schedule().describe(),
                golf.emaDecay() > 0 ? Double.toString(golf.emaDecay()) : "off"));
        GolfRecordLog.describe(golf).forEach(this::log);
        // evaluation at another length (or rotary base) runs a second model over the same parameters
        boolean separateEval = golf.evalSeqLen() != golf.seqLen() || !golf.evalModel().equals(golf.model());
        int maxTokens = separateEval ? golf.microBatchTokens() : Math.max(golf.microBatchTokens(), golf.evalForwardTokens());
        try (Backend backend = Backend.open(gpu, golf.threads());
             ParamSet params = GolfParams.create(backend.ops(), golf.model(), golf.seed());
             GolfGpt gpt = new GolfGpt(backend.ops(), golf.model(), params, golf.seqLen(), maxTokens);
             GolfGpt evalGpt = separateEval ? new GolfGpt(backend.ops(), golf.evalModel(), params, golf.evalSeqLen(),
                     golf.evalForwardTokens()) : null;
             MuonAndAdam optimizer = new MuonAndAdam(params, GolfParams.groups(golf.model()), backend.ops(),
                     backend.kernels(), golf.optimizer())) {
            Ops ops = backend.ops();
            log("device: " + ops.name());
            WeightEma ema = golf.emaDecay() > 0 ? WeightEma.of(ops, params, golf.emaDecay()) : null;
            GolfTrainer trainer = new GolfTrainer(ops, gpt, optimizer, new TokenStream(data.shards().train()),
                    golf.schedule(), TrainingClock.system(), golf.tokensPerStep(), golf.accumSteps(), ema,
                    golf.recurrenceAt());
            GolfGpt scorer = separateEval ? evalGpt : gpt;
            boolean loopingLogged = false;
            TrainingClock clock = trainer.clock();
            while (true) {
                long step = trainer.step();
                boolean last = trainer.done();
                if (last || (golf.evalEvery() > 0 && step % golf.evalEvery() == 0)) {
                    clock.pause();
                    if (separateEval && golf.model().arch().recurrent()) {
                        scorer.setLooping(gpt.looping());
                    }
                    BitsPerByte r = GolfScoring.score(ops, scorer, data.bytes(), val, golf.evalStride(), "validation");
                    log(String.format(Locale.ROOT, "step:%d/%d %s train_time:%.0fms step_avg:%.2fms", step, iterations,
                            GolfScoring.describe(r, false), clock.elapsedMs(), clock.elapsedMs() / Math.max(step, 1)));
                }
                if (last) {
                    if (step < iterations) {
                        log(String.format(Locale.ROOT, "stopping_early: wallclock_cap train_time:%.0fms step:%d/%d",
                                clock.elapsedMs(), step, iterations));
                    }
                    break;
                }
                GolfTrainer.StepReport s = trainer.runStep();
                if (s.looping() && !loopingLogged && golf.model().arch().recurrent()) {
                    loopingLogged = true;
                    log(String.format(Locale.ROOT, "depth_recurrence: on from step:%d layers:%s params:%d",
                            trainer.loopingFrom(), java.util.Arrays.toString(gpt.layerOrder()).replace(" ", ""),
                            GolfParams.count(golf.model())));
                }
                if (s.step() + 1 <= 10 || (s.step() + 1) % golf.logEvery() == 0 || trainer.done()) {
                    log(String.format(Locale.ROOT, "step:%d/%d train_loss:%.4f lr_scale:%.3f train_time:%.0fms "
                                    + "step_avg:%.2fms", s.step() + 1, iterations, s.trainLoss(), s.lrScale(), s.elapsedMs(),
                            s.elapsedMs() / (s.step() + 1)));
                }
            }
            if (golf.model().arch().recurrent()) {
                // the records evaluate (and calibrate GPTQ) looped
                scorer.setLooping(true);
                gpt.setLooping(true);
            }
            finish(ops, gpt, scorer, params, ema, val, trainer.step());
        }
        return ExitCodes.OK;
    }

    /** The end of a run whose training happened elsewhere ({@link GolfActorsTrainRun}). */
    static GolfTrainRun finishing(GolfSettings golf, GolfData data, PrintWriter out, GolfScoreFirst scoreFirst,
                                  GolfQuantSettings quant) {
        return new GolfTrainRun(golf, data, out, scoreFirst, quant);
    }

    /** {@link #finish(Ops, GolfGpt, GolfGpt, ParamSet, WeightEma, int[], long)} with one model for both. */
    void finish(Ops ops, GolfGpt gpt, ParamSet params, WeightEma ema, int[] val, long steps) {
        finish(ops, gpt, gpt, params, ema, val, steps);
    }

    /**
     * Saves the weights, evaluates the average, writes the artifact and scores its round trip.
     * {@code scorer} evaluates (at the evaluation length); GPTQ calibrates on training batches
     * through the training model {@code gpt}, which is sized for them.
     */
    private void finish(Ops ops, GolfGpt gpt, GolfGpt scorer, ParamSet params, WeightEma ema, int[] val, long steps) {
        String stepDir = String.format(Locale.ROOT, "step-%08d", steps);
        Path dir = golf.checkpointDir().resolve("golf");
        Path weights = dir.resolve(stepDir).resolve(GolfWeights.WEIGHTS_FILE);
        GolfWeights.save(weights, ops, params, ema, Map.of("steps", Long.toString(steps)));
        try {
            Path tmp = Files.createTempFile(dir, ".latest", ".tmp");
            Files.writeString(tmp, stepDir + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve("latest"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot update " + dir.resolve("latest"), e);
        }
        log("saved " + weights);
        List<StateTensor> state;
        if (ema != null) {
            ema.copyTo(ops, params);
            BitsPerByte r = GolfScoring.score(ops, scorer, data.bytes(), val, golf.evalStride(), "validation (EMA)");
            log("ema " + GolfScoring.describe(r, false));
            state = ema.state();
        } else {
            state = StateTensor.of(ops, params);
        }
        String bits = quant.quant().bitsTag();
        Path artifact = weights.getParent().resolve("model." + bits + "." + golf.codec().label() + ".ptz");
        GolfArtifactExport.Result written;
        if (quant.quant() == GolfQuantSettings.Quant.INT8) {
            written = GolfArtifactExport.write(state, golf.codec(), artifact);
        } else {
            long t0 = System.nanoTime();
            Map<String, double[]> hessians = GolfCalibration.hessians(ops, gpt, data.shards().train(),
                    golf.microBatchTokens(), quant.gptq().calibrationBatches());
            written = GolfArtifactExport.writeGptq(state, hessians, quant.gptq(), golf.codec(), artifact);
            log(String.format(Locale.ROOT, "gptq: %d calibration batches of %,d training tokens, quantised in %.1f s",
                    quant.gptq().calibrationBatches(), golf.microBatchTokens(), (System.nanoTime() - t0) / 1e9));
        }
        log("quantised: " + written.tensors());
        log(written.size().describe());
        GolfWeights.load(GolfArtifact.restore(GolfArtifact.read(artifact)), params, ops);
        BitsPerByte r = GolfScoring.score(ops, scorer, data.bytes(), val, golf.evalStride(), "validation (artifact)");
        String tag = "final_" + bits + "_" + golf.codec().label() + "_roundtrip";
        log(tag + " " + GolfScoring.describe(r, false));
        log(tag + "_exact " + GolfScoring.describe(r, true));
        if (scoreFirst.enabled()) {
            log(scoreFirst.describe());
            ScoreFirstResult sf = GolfScoring.scoreFirst(ops, scorer, data.bytes(), val, golf.evalStride(), scoreFirst,
                    "validation (artifact, " + scoreFirst.tag() + ")");
            log(tag + "_" + scoreFirst.tag() + " " + GolfScoring.describe(sf.score(), false));
            log(tag + "_" + scoreFirst.tag() + "_exact " + GolfScoring.describe(sf.score(), true));
            log(GolfScoring.describe(sf, scoreFirst));
        }
    }

    private void log(String line) {
        out.println(line);
        out.flush();
    }
}
