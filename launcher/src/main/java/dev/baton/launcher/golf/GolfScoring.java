package dev.baton.launcher.golf;

import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.bpb.ByteTables;
import dev.baton.runtime.golf.eval.EvalWindows;
import dev.baton.runtime.golf.eval.GolfEvaluator;
import dev.baton.runtime.golf.eval.ScoreFirstEvaluator;
import dev.baton.runtime.golf.eval.ScoreFirstResult;
import dev.baton.runtime.golf.eval.TargetObserver;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.report.ProgressBar;

import java.util.Locale;

/** One bits-per-byte evaluation with a progress bar on stderr, as the golf commands run it. */
final class GolfScoring {
    private GolfScoring() {
    }

    /** The windows plan: non-overlapping sequences (stride 0) or sliding windows. */
    static EvalWindows plan(int streamTokens, int seqLen, int stride) {
        return stride == 0 ? EvalWindows.sequences(streamTokens, seqLen) : EvalWindows.sliding(streamTokens, seqLen, stride);
    }

    static BitsPerByte score(Ops ops, GolfGpt gpt, ByteTables bytes, int[] stream, int stride, String label) {
        EvalWindows windows = plan(stream.length, gpt.seqLen(), stride);
        ProgressBar bar = ProgressBar.onStderr(label, windows.targets());
        BitsPerByte result = new GolfEvaluator(ops, gpt, bytes).evaluate(stream, windows,
                done -> bar.update(done, String.format(Locale.ROOT, "%,d tokens", done)));
        bar.finish((long) result.tokens(), String.format(Locale.ROOT, "%,d tokens, %.1f s", (long) result.tokens(),
                bar.elapsedSeconds()));
        return result;
    }

    /**
     * The score with score-first test-time training and/or n-gram mixing ({@code scoreFirst}
     * enabled), on a copy of {@code gpt}'s weights: they are the same after the call.
     */
    static ScoreFirstResult scoreFirst(Ops ops, GolfGpt gpt, ByteTables bytes, int[] stream, int stride,
                                       GolfScoreFirst scoreFirst, String label) {
        EvalWindows windows = plan(stream.length, gpt.seqLen(), stride);
        int tttTokens = scoreFirst.ttt() == null ? 0 : scoreFirst.ttt().batchSequences() * gpt.seqLen();
        ScoreFirstEvaluator evaluator = new ScoreFirstEvaluator(ops, gpt.config(), gpt.seqLen(),
                Math.max(gpt.maxTokens(), tttTokens), bytes, scoreFirst.ttt(), scoreFirst.ngram());
        ProgressBar bar = ProgressBar.onStderr(label, windows.targets());
        ScoreFirstResult result = evaluator.evaluate(gpt.params(), stream, windows,
                done -> bar.update(done, String.format(Locale.ROOT, "%,d tokens", done)), TargetObserver.NONE);
        bar.finish((long) result.score().tokens(), String.format(Locale.ROOT, "%,d tokens, %.1f s",
                (long) result.score().tokens(), bar.elapsedSeconds()));
        return result;
    }

    /** What the adaptation did: chunks trained, targets the n-gram counts took part in. */
    static String describe(ScoreFirstResult r, GolfScoreFirst scoreFirst) {
        StringBuilder b = new StringBuilder();
        if (scoreFirst.ttt() != null) {
            b.append(String.format(Locale.ROOT, "ttt: trained on %d of %d chunks after scoring them", r.chunksTrained(),
                    r.chunks()));
        }
        if (scoreFirst.ngram() != null) {
            b.append(b.length() > 0 ? "; " : "").append(String.format(Locale.ROOT,
                    "ngram: mixed at %,d of %,d targets, mean alpha %.4f", r.ngramMatched(), (long) r.score().tokens(),
                    r.meanAlpha()));
        }
        return b.toString();
    }

    /** The baseline's log form: {@code val_loss:2.0727 val_bpb:1.2244}, or with 8 decimals when exact. */
    static String describe(BitsPerByte r, boolean exact) {
        return exact
                ? String.format(Locale.ROOT, "val_loss:%.8f val_bpb:%.8f", r.valLoss(), r.bpb())
                : String.format(Locale.ROOT, "val_loss:%.4f val_bpb:%.4f", r.valLoss(), r.bpb());
    }
}
