package dev.baton.actors.training.golf;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.bpb.ByteTables;
import dev.baton.runtime.golf.eval.EvalWindow;
import dev.baton.runtime.golf.eval.EvalWindows;
import dev.baton.runtime.train.LossSum;

import java.util.Arrays;


/**
 * The golf validation split over the device actors: each rank scores a contiguous range of the
 * single-device evaluator's batches of whole windows (targets it must not score, the context of a
 * sliding window, are -1), the coordinator adds the ranks' loss sums in rank order, and the text
 * bytes, which depend only on the data, are counted here once. {@link #score} turns the summed
 * {@link LossSum} into the challenge's {@link BitsPerByte}.
 */
public final class GolfValidation {
    private final int[] stream;
    private final EvalWindows windows;
    private final int windowsPerBatch;
    private final long bytes;

    /**
     * @param stream          the validation tokens
     * @param windows         the plan over them (sequences or sliding windows)
     * @param tables          the tokenizer's byte tables
     * @param windowsPerBatch windows per forward (the device's buffers: max tokens / seqLen)
     */
    public GolfValidation(int[] stream, EvalWindows windows, ByteTables tables, int windowsPerBatch) {
        if (windowsPerBatch < 1) {
            throw new IllegalArgumentException("at least one window per batch, got " + windowsPerBatch);
        }
        if (windows.targets() > stream.length - 1) {
            throw new IllegalArgumentException("the plan covers " + windows.targets() + " targets but the stream holds "
                    + (stream.length - 1));
        }
        this.stream = stream;
        this.windows = windows;
        this.windowsPerBatch = windowsPerBatch;
        long b = 0;
        for (EvalWindow w : windows) {
            for (int i = w.start() + w.scoredFrom(); i < w.start() + w.length(); i++) {
                b += tables.bytes(stream[i], stream[i + 1]);
            }
        }
        this.bytes = b;
    }

    /** Text bytes of every scored target. */
    public long bytes() {
        return bytes;
    }

    /**
     * Every rank's batches as {@code [k][rank]}: the plan's windows are cut into batches of
     * {@code windowsPerBatch} from its start, exactly as one device's evaluator cuts them (so each
     * token's loss is the one device's, bit for bit), and rank r takes the contiguous batches
     * {@code [B·r/W, B·(r+1)/W)}. Ranks with fewer batches get empty ones at the end, so that all
     * ranks run the same number of evaluation commands.
     */
    public Batch[][] batches(int world) {
        if (world < 1) {
            throw new IllegalArgumentException("world size must be at least 1, got " + world);
        }
        int total = (windows.size() + windowsPerBatch - 1) / windowsPerBatch;
        int most = (total + world - 1) / world;
        Batch[][] out = new Batch[most][world];
        for (int r = 0; r < world; r++) {
            int from = (int) ((long) total * r / world);
            int to = (int) ((long) total * (r + 1) / world);
            for (int k = 0; k < most; k++) {
                int b = from + k;
                out[k][r] = b < to ? batch(b * windowsPerBatch, Math.min(windows.size(), (b + 1) * windowsPerBatch))
                        : new Batch(new int[0], new int[0], new int[] {0});
            }
        }
        return out;
    }

    private Batch batch(int w0, int w1) {
        int total = 0;
        for (int w = w0; w < w1; w++) {
            total += windows.get(w).length();
        }
        int[] inputs = new int[total];
        int[] targets = new int[total];
        int at = 0;
        for (int w = w0; w < w1; w++) {
            EvalWindow win = windows.get(w);
            System.arraycopy(stream, win.start(), inputs, at, win.length());
            System.arraycopy(stream, win.start() + 1, targets, at, win.length());
            Arrays.fill(targets, at, at + win.scoredFrom(), -1);
            at += win.length();
        }
        return new Batch(inputs, targets, new int[] {0, total});
    }

    /** The challenge's sums from the ranks' summed evaluation. */
    public BitsPerByte score(LossSum summed) {
        return new BitsPerByte(summed.sum(), summed.tokens(), bytes);
    }
}
