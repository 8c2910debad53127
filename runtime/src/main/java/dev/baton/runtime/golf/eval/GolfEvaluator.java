package dev.baton.runtime.golf.eval;

import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.bpb.ByteTables;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.ops.Ops;

import java.util.function.LongConsumer;

/**
 * Parameter golf's score of a model on a validation stream: {@code val_loss} and {@code val_bpb}
 * from float64 sums of every scored target's cross-entropy, the targets and their text bytes
 * ({@link ByteTables}: the byte count of a target depends on the token before it). Windows of an
 * {@link EvalWindows} plan (non-overlapping sequences, or sliding windows) run in batches of as
 * many as the model's buffers hold; each window is one sequence to the model, attended from its
 * own start. A rank scores its {@link EvalWindows#slice} and the ranks' {@link BitsPerByte} sums
 * are added ({@link BitsPerByte#plus}).
 */
public final class GolfEvaluator {
    private final Ops ops;
    private final GolfGpt gpt;
    private final ByteTables bytes;

    public GolfEvaluator(Ops ops, GolfGpt gpt, ByteTables bytes) {
        this.ops = ops;
        this.gpt = gpt;
        this.bytes = bytes;
    }

    /** Scores every window of {@code windows} over {@code stream}. */
    public BitsPerByte evaluate(int[] stream, EvalWindows windows) {
        return evaluate(stream, windows, n -> { });
    }

    /**
     * Scores every window of {@code windows} over {@code stream}, reporting the targets scored so
     * far to {@code progress} after each batch.
     */
    public BitsPerByte evaluate(int[] stream, EvalWindows windows, LongConsumer progress) {
        if (windows.seqLen() != gpt.seqLen()) {
            throw new IllegalArgumentException("windows of " + windows.seqLen() + " tokens for a model of sequence length "
                    + gpt.seqLen());
        }
        if (windows.targets() > stream.length - 1) {
            throw new IllegalArgumentException("the plan covers " + windows.targets() + " targets but the stream holds "
                    + (stream.length - 1));
        }
        int perBatch = Math.max(1, gpt.maxTokens() / gpt.seqLen());
        double loss = 0;
        long targets = 0;
        long byteCount = 0;
        for (int w0 = 0; w0 < windows.size(); w0 += perBatch) {
            int w1 = Math.min(windows.size(), w0 + perBatch);
            int total = 0;
            for (int w = w0; w < w1; w++) {
                total += windows.get(w).length();
            }
            int[] inputs = new int[total];
            int[] tgts = new int[total];
            int at = 0;
            for (int w = w0; w < w1; w++) {
                EvalWindow win = windows.get(w);
                System.arraycopy(stream, win.start(), inputs, at, win.length());
                System.arraycopy(stream, win.start() + 1, tgts, at, win.length());
                at += win.length();
            }
            float[] losses = ops.download(gpt.tokenLosses(inputs, tgts));
            at = 0;
            for (int w = w0; w < w1; w++) {
                EvalWindow win = windows.get(w);
                for (int i = at + win.scoredFrom(); i < at + win.length(); i++) {
                    loss += losses[i];
                    byteCount += bytes.bytes(inputs[i], tgts[i]);
                }
                targets += win.scored();
                at += win.length();
            }
            progress.accept(targets);
        }
        return new BitsPerByte(loss, targets, byteCount);
    }
}
