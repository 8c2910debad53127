package dev.baton.launcher.golf;

import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.bpb.ByteTables;
import dev.baton.runtime.golf.eval.EvalWindows;
import dev.baton.runtime.golf.eval.GolfEvaluator;
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

    /** The baseline's log form: {@code val_loss:2.0727 val_bpb:1.2244}, or with 8 decimals when exact. */
    static String describe(BitsPerByte r, boolean exact) {
        return exact
                ? String.format(Locale.ROOT, "val_loss:%.8f val_bpb:%.8f", r.valLoss(), r.bpb())
                : String.format(Locale.ROOT, "val_loss:%.4f val_bpb:%.4f", r.valLoss(), r.bpb());
    }
}
