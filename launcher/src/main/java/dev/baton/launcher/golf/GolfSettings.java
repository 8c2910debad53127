package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.Settings;
import dev.baton.runtime.golf.artifact.Codec;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.golf.GolfArchitecture;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.optim.MuonAndAdamConfig;
import dev.baton.runtime.schedule.FractionWarmdown;
import dev.baton.runtime.schedule.GolfLrSchedule;
import dev.baton.runtime.schedule.WallClockWarmdown;

import java.nio.file.Path;

/**
 * A golf run's settings bound from the configuration ({@code baton.model} sizes with
 * {@code baton.model.family = golf}, {@code baton.golf}, {@code baton.run}, {@code baton.devices}),
 * each mistake reported as one message naming the key.
 *
 * @param accumSteps    micro-steps per step: {@code run.grad-accum-steps}, or 8 / world as the baseline
 * @param evalStride    sliding-window stride, 0 = non-overlapping sequences
 * @param evalMaxTokens validation prefix evaluated, 0 = all
 * @param threads       compute threads of the CPU backend
 * @param evalSeqLen    evaluation sequence length ({@code eval.seq-len}, or seqLen)
 * @param evalModel     the model as evaluation builds it (NTK-rescaled rotary base beyond seqLen)
 * @param recurrenceAt  training progress at which depth recurrence switches on
 */
public record GolfSettings(GolfConfig model, MuonAndAdamConfig optimizer, GolfLrSchedule schedule, int seqLen,
                           int tokensPerStep, int accumSteps, int logEvery, int evalTokensPerBatch, int evalEvery,
                           int evalStride, long evalMaxTokens, double emaDecay, Codec codec, long seed, Path workDir,
                           Path checkpointDir, int threads, int evalSeqLen, GolfConfig evalModel,
                           double recurrenceAt) {

    /** True when the configuration selects the golf model family. */
    public static boolean selected(Settings s) {
        return s.choice("baton.model.family", "record", "golf").equals("golf");
    }

    /**
     * Where golf trains: one CPU device (the single-device trainer), W > 1 CPU devices of one
     * machine (the actor runtime), or GPU 0 with {@code baton.devices.kind = cuda} (evaluation and
     * export always run on the CPU backend, whatever the devices section says).
     */
    public static Devices devices(Settings s) {
        String kind = s.choice("baton.devices.kind", "cpu", "cuda");
        int nodes = s.wholeNumber("baton.cluster.nodes");
        int world = s.wholeNumber("baton.devices.count") * nodes;
        if (kind.equals("cuda") && world != 1) {
            throw new BatonConfigException("golf trains on one GPU for now, but the configuration asks for " + world
                    + " cuda devices; several devices run on the CPU through the actors. Use --set baton.devices.count=1, "
                    + "or --set baton.devices.kind=cpu");
        }
        if (nodes != 1) {
            throw new BatonConfigException("golf trains on the devices of one machine for now, but the configuration asks "
                    + "for " + nodes + " nodes; use --set baton.cluster.nodes=1");
        }
        return new Devices(kind.equals("cuda"), world);
    }

    /** The devices a golf run trains on: GPU 0 ({@code gpu}, count 1) or {@code count} CPU devices. */
    public record Devices(boolean gpu, int count) {
    }

    /** Binds and checks every golf key. */
    public static GolfSettings of(Settings s) {
        if (!selected(s)) {
            throw new BatonConfigException("this is a golf command but baton.model.family is record; use a golf "
                    + "profile (--profile golf-tiny or golf-baseline) or --set baton.model.family=golf");
        }
        int heads = positive(s, "baton.model.num-heads");
        int dim = positive(s, "baton.model.model-dim");
        int headDim = positive(s, "baton.model.head-dim");
        if (heads * headDim != dim) {
            throw new BatonConfigException("baton.model.num-heads x head-dim = " + heads * headDim
                    + " must equal baton.model.model-dim = " + dim);
        }
        int kvHeads = positive(s, "baton.golf.model.num-kv-heads");
        if (heads % kvHeads != 0 || headDim % 2 != 0) {
            throw new BatonConfigException("baton.golf.model.num-kv-heads = " + kvHeads + " must divide "
                    + "baton.model.num-heads = " + heads + ", and head-dim " + headDim + " must be even (RoPE)");
        }
        GolfConfig model;
        try {
            GolfArchitecture arch = new GolfArchitecture(s.number("baton.golf.arch.mlp-leaky-slope"),
                    s.wholeNumber("baton.golf.arch.rope-dims"), s.flag("baton.golf.arch.ln-scale"),
                    s.wholeNumber("baton.golf.recurrence.loop-start"), s.wholeNumber("baton.golf.recurrence.loop-end"),
                    s.wholeNumber("baton.golf.recurrence.loops"),
                    s.wholeNumber("baton.golf.parallel-residuals.start-layer"));
            model = new GolfConfig(positive(s, "baton.model.vocab-size"), positive(s, "baton.model.num-layers"),
                    dim, heads, kvHeads, positive(s, "baton.model.mlp-ratio"), s.number("baton.golf.model.rope-base"),
                    s.number("baton.golf.model.logit-softcap"), s.number("baton.golf.model.qk-gain-init"),
                    s.number("baton.golf.model.tied-embed-init-std"), GptConfig.FP32_EPS, arch);
        } catch (IllegalArgumentException e) {
            throw new BatonConfigException("baton.golf.arch / recurrence / parallel-residuals: " + e.getMessage()
                    + " (slope in [0, 1), even rope-dims up to head-dim, looped layers and the parallel start layer "
                    + "inside baton.model.num-layers)");
        }
        double recurrenceAt = s.number("baton.golf.recurrence.activate-at");
        if (!(recurrenceAt >= 0 && recurrenceAt < 1)) {
            throw new BatonConfigException("baton.golf.recurrence.activate-at = " + recurrenceAt + " must be in [0, 1)");
        }
        model = GolfTechniqueSettings.apply(s, model);
        MuonAndAdamConfig optimizer;
        try {
            optimizer = new MuonAndAdamConfig(s.number("baton.golf.optim.matrix-lr"), s.number("baton.golf.optim.scalar-lr"),
                    s.number("baton.golf.optim.tied-embed-lr"), s.number("baton.golf.optim.muon-momentum"),
                    s.number("baton.golf.optim.muon-momentum-warmup-start"),
                    s.wholeNumber("baton.golf.optim.muon-momentum-warmup-steps"),
                    s.wholeNumber("baton.golf.optim.muon-backend-steps"), s.number("baton.golf.optim.beta1"),
                    s.number("baton.golf.optim.beta2"), s.number("baton.golf.optim.adam-eps"))
                    .withRowNormalize(s.flag("baton.golf.optim.muon-row-normalize"));
        } catch (IllegalArgumentException e) {
            throw new BatonConfigException("baton.golf.optim: " + e.getMessage()
                    + " (learning rates >= 0, momenta and betas in [0, 1), eps > 0, at least one Newton-Schulz step)");
        }
        double budgetMs = 1000.0 * Math.max(0, s.number("baton.golf.train.max-wallclock-seconds"));
        double warmdownFraction = s.number("baton.golf.train.warmdown-fraction");
        if (!(warmdownFraction >= 0 && warmdownFraction <= 1)) {
            throw new BatonConfigException("baton.golf.train.warmdown-fraction = " + warmdownFraction
                    + " must be in [0, 1] (0 = use warmdown-iters)");
        }
        GolfLrSchedule schedule = warmdownFraction > 0
                ? new FractionWarmdown(warmdownFraction, budgetMs, positive(s, "baton.golf.train.iterations"))
                : new WallClockWarmdown(nonNegative(s, "baton.golf.train.warmdown-iters"), budgetMs,
                        positive(s, "baton.golf.train.iterations"));
        int seqLen = positive(s, "baton.golf.train.seq-len");
        int tokens = positive(s, "baton.golf.train.tokens-per-step");
        int accum = s.wholeNumber("baton.run.grad-accum-steps");
        accum = accum > 0 ? accum : 8;
        if (tokens % (accum * seqLen) != 0) {
            throw new BatonConfigException("baton.golf.train.tokens-per-step = " + tokens + " must split into "
                    + accum + " micro-steps of whole " + seqLen + "-token sequences (baton.run.grad-accum-steps, "
                    + "baton.golf.train.seq-len)");
        }
        int evalSeqLen = nonNegative(s, "baton.golf.eval.seq-len");
        evalSeqLen = evalSeqLen > 0 ? evalSeqLen : seqLen;
        GolfConfig evalModel = s.flag("baton.golf.eval.ntk-rope-scaling") ? model.forEvalLength(seqLen, evalSeqLen) : model;
        int evalBatch = positive(s, "baton.golf.eval.tokens-per-batch");
        if (evalBatch < evalSeqLen) {
            throw new BatonConfigException("baton.golf.eval.tokens-per-batch = " + evalBatch + " must hold at least one "
                    + "sequence of " + evalSeqLen);
        }
        int stride = nonNegative(s, "baton.golf.eval.stride");
        if (stride > evalSeqLen) {
            throw new BatonConfigException("baton.golf.eval.stride = " + stride + " must be at most the sequence length "
                    + evalSeqLen + " (0 = non-overlapping)");
        }
        double ema = s.number("baton.golf.ema-decay");
        if (!(ema >= 0 && ema < 1)) {
            throw new BatonConfigException("baton.golf.ema-decay = " + ema + " must be in [0, 1) (0 = off)");
        }
        String codecName = s.choice("baton.golf.export.codec", "zlib", "xz", "brotli");
        int threads = s.wholeNumber("baton.devices.cpu-threads");
        return new GolfSettings(model, optimizer, schedule, seqLen, tokens, accum, positive(s, "baton.golf.train.log-every"),
                evalBatch, nonNegative(s, "baton.golf.eval.every"), stride, nonNegative(s, "baton.golf.eval.max-tokens"),
                ema, Codec.ofLabel(codecName), s.wholeNumber("baton.run.seed"), Path.of(s.text("baton.run.work-dir")),
                Path.of(s.text("baton.run.checkpoint-dir")),
                threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), evalSeqLen, evalModel, recurrenceAt);
    }

    /** Tokens per forward of a training micro-step. */
    public int microBatchTokens() {
        return tokensPerStep / accumSteps;
    }

    /**
     * Tokens per evaluation forward on this device: the batch split over the micro-steps as the
     * baseline splits VAL_BATCH_SIZE over world x grad_accum_steps, rounded down to whole sequences.
     */
    public int evalForwardTokens() {
        return Math.max(evalSeqLen, evalTokensPerBatch / accumSteps / evalSeqLen * evalSeqLen);
    }

    private static int positive(Settings s, String key) {
        int v = s.wholeNumber(key);
        if (v <= 0) {
            throw new BatonConfigException(key + " = " + v + " must be positive");
        }
        return v;
    }

    private static int nonNegative(Settings s, String key) {
        int v = s.wholeNumber(key);
        if (v < 0) {
            throw new BatonConfigException(key + " = " + v + " must not be negative");
        }
        return v;
    }
}
