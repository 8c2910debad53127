package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ResolvedConfig;
import dev.baton.launcher.ExitCodes;
import dev.baton.runtime.golf.GolfWeights;
import dev.baton.runtime.golf.artifact.GolfArtifact;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.eval.ScoreFirstResult;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code baton eval --metric bpb}: parameter golf's val_loss and val_bpb of a golf checkpoint (its
 * weight average when {@code baton.golf.ema-decay} is set) or of an artifact after the
 * compress-and-reload round trip, on the configured validation shards; then, when
 * {@code baton.golf.eval.ttt} or {@code .ngram} is enabled, the score-first adapted score too. It runs
 * on the CPU backend.
 */
public final class GolfEvalRun {
    private GolfEvalRun() {
    }

    /**
     * @param checkpoint a golf weights file or checkpoint folder, or null
     * @param artifact   an artifact file, or null (exactly one of the two)
     * @param stride     the sliding-window stride, or null for {@code baton.golf.eval.stride}
     * @param maxTokens  the validation prefix, or null for {@code baton.golf.eval.max-tokens}
     */
    public static int run(ResolvedConfig config, Path checkpoint, Path artifact, Integer stride, Long maxTokens,
                          PrintWriter out) {
        if ((checkpoint == null) == (artifact == null)) {
            throw new BatonConfigException("give a golf checkpoint (weights file or folder) or --artifact FILE, "
                    + "exactly one of them");
        }
        GolfSettings golf = GolfSettings.of(config.settings());
        GolfScoreFirst scoreFirst = GolfScoreFirst.of(config.settings());
        int useStride = stride != null ? stride : golf.evalStride();
        if (useStride < 0 || useStride > golf.seqLen()) {
            throw new BatonConfigException("--stride " + useStride + " must be in [0, " + golf.seqLen()
                    + "] (0 = non-overlapping sequences)");
        }
        GolfData data = GolfData.resolve(config.settings(), golf);
        GolfSettings limited = maxTokens == null ? golf : withMaxTokens(golf, maxTokens);
        int[] stream = data.validation(limited);
        List<StateTensor> state;
        String source;
        if (artifact != null) {
            state = GolfArtifact.restore(GolfArtifact.read(artifact));
            source = "artifact " + artifact + " (dequantised)";
        } else {
            Path file = GolfWeights.resolve(checkpoint);
            boolean ema = golf.emaDecay() > 0;
            state = GolfWeights.read(file, golf.model(), ema);
            source = (ema ? "weight average of " : "weights of ") + file;
        }
        out.println(String.format(Locale.ROOT, "golf model %d x %d (%,d params) from %s", golf.model().numLayers(),
                golf.model().modelDim(), GolfParams.count(golf.model()), source));
        out.println(String.format(Locale.ROOT, "validation: %,d tokens of %s, %s", stream.length,
                data.shards().description(), useStride == 0 ? "non-overlapping sequences of " + golf.seqLen()
                        : "sliding windows of " + golf.seqLen() + ", stride " + useStride));
        out.flush();
        try (CpuOps ops = new CpuOps(golf.threads()); ParamSet params = GolfParams.allocate(ops, golf.model());
             GolfGpt gpt = new GolfGpt(ops, golf.model(), params, golf.seqLen(), golf.evalForwardTokens())) {
            GolfWeights.load(state, params, ops);
            BitsPerByte r = GolfScoring.score(ops, gpt, data.bytes(), stream, useStride, "eval");
            String prefix = artifact != null ? "final_roundtrip " : "";
            out.println(prefix + GolfScoring.describe(r, false));
            out.println((artifact != null ? "final_roundtrip_exact " : "exact ") + GolfScoring.describe(r, true));
            out.println(String.format(Locale.ROOT, "scored %,d tokens, %,d bytes", (long) r.tokens(), (long) r.bytes()));
            if (scoreFirst.enabled()) {
                out.println(scoreFirst.describe());
                out.flush();
                ScoreFirstResult sf = GolfScoring.scoreFirst(ops, gpt, data.bytes(), stream, useStride, scoreFirst,
                        "eval " + scoreFirst.tag());
                String tag = (artifact != null ? "final_roundtrip_" : "") + scoreFirst.tag();
                out.println(tag + " " + GolfScoring.describe(sf.score(), false));
                out.println(tag + "_exact " + GolfScoring.describe(sf.score(), true));
                out.println(GolfScoring.describe(sf, scoreFirst));
            }
        }
        return ExitCodes.OK;
    }

    private static GolfSettings withMaxTokens(GolfSettings g, long maxTokens) {
        if (maxTokens < 0) {
            throw new BatonConfigException("--max-tokens " + maxTokens + " must not be negative (0 = all)");
        }
        return new GolfSettings(g.model(), g.optimizer(), g.schedule(), g.seqLen(), g.tokensPerStep(), g.accumSteps(),
                g.logEvery(), g.evalTokensPerBatch(), g.evalEvery(), g.evalStride(), maxTokens, g.emaDecay(), g.codec(),
                g.seed(), g.workDir(), g.checkpointDir(), g.threads());
    }
}
