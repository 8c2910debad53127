package dev.baton.runtime.golf.eval;

import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.bpb.ByteTables;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Evaluation that adapts as it goes and never looks ahead (the challenge's Issue #1017 conditions):
 * the windows of an {@link EvalWindows} plan are scored in stream order and
 * <ul>
 * <li>with test-time training, the targets are cut into chunks; a window belongs to the chunk of
 *     its first scored target; once a chunk's windows are scored the model trains on that chunk
 *     ({@link TestTimeTrainer}), so every target is scored by weights that saw only earlier chunks;
 * <li>with n-gram mixing, each target's distribution mixes the model's with the counts of the
 *     targets scored before it ({@link NgramMixer}), and the target joins the counts right after.
 * </ul>
 * The two combine. Scores use the challenge's accounting: float64 sums of nats, targets and
 * {@link ByteTables} bytes. The model trains on its own copy of the weights: the caller's
 * {@link ParamSet} is read once and never written.
 */
public final class ScoreFirstEvaluator {
    private final Ops ops;
    private final GolfConfig model;
    private final int seqLen;
    private final int maxTokens;
    private final ByteTables bytes;
    private final TestTimeTrainingConfig ttt;
    private final NgramConfig ngram;
    private final boolean distributions;

    /**
     * @param maxTokens tokens per forward (scoring batches and TTT batches both fit in it)
     * @param ttt       test-time training, or null for none
     * @param ngram     n-gram mixing, or null for none
     */
    public ScoreFirstEvaluator(Ops ops, GolfConfig model, int seqLen, int maxTokens, ByteTables bytes,
                               TestTimeTrainingConfig ttt, NgramConfig ngram) {
        this(ops, model, seqLen, maxTokens, bytes, ttt, ngram, ngram != null);
    }

    private ScoreFirstEvaluator(Ops ops, GolfConfig model, int seqLen, int maxTokens, ByteTables bytes,
                                TestTimeTrainingConfig ttt, NgramConfig ngram, boolean distributions) {
        if (maxTokens < seqLen) {
            throw new IllegalArgumentException("forwards of " + maxTokens + " tokens cannot hold a sequence of " + seqLen);
        }
        this.ops = ops;
        this.model = model;
        this.seqLen = seqLen;
        this.maxTokens = maxTokens;
        this.bytes = bytes;
        this.ttt = ttt;
        this.ngram = ngram;
        this.distributions = distributions;
    }

    /**
     * The same evaluator scoring every target from the whole softmax in float64 (as the n-gram mix
     * does) and passing it to the observer, even without n-gram mixing.
     */
    public ScoreFirstEvaluator withDistributions() {
        return new ScoreFirstEvaluator(ops, model, seqLen, maxTokens, bytes, ttt, ngram, true);
    }

    /** Scores {@code windows} over {@code stream} with a model over a copy of {@code weights}. */
    public ScoreFirstResult evaluate(ParamSet weights, int[] stream, EvalWindows windows, LongConsumer progress,
                                     TargetObserver observer) {
        if (windows.seqLen() != seqLen) {
            throw new IllegalArgumentException("windows of " + windows.seqLen() + " tokens for sequence length " + seqLen);
        }
        if (windows.targets() > stream.length - 1) {
            throw new IllegalArgumentException("the plan covers " + windows.targets() + " targets but the stream holds "
                    + (stream.length - 1));
        }
        try (ParamSet copy = copyOf(weights); GolfGpt gpt = new GolfGpt(ops, model, copy, seqLen, maxTokens);
             TestTimeTrainer trainer = ttt == null ? null : new TestTimeTrainer(ops, gpt, ttt)) {
            return new Pass(gpt, trainer, stream, windows, progress, observer).run();
        }
    }

    private ParamSet copyOf(ParamSet weights) {
        ParamSet copy = GolfParams.allocate(ops, model);
        for (Param p : copy.all()) {
            ops.copy(p.value(), weights.get(p.name()).value());
        }
        return copy;
    }

    /** One evaluation's state: the chunk being scored, the windows batched, the sums. */
    private final class Pass {
        private final GolfGpt gpt;
        private final TestTimeTrainer trainer;
        private final int[] stream;
        private final EvalWindows windows;
        private final LongConsumer progress;
        private final TargetObserver observer;
        private final NgramMixer mixer;
        private final int chunkTokens;
        private final int chunks;
        private final double[] p;
        private final List<EvalWindow> batch = new ArrayList<>();
        private int batchTokens;
        private double loss;
        private long targets;
        private long byteCount;
        private int trained;
        private long matched;
        private double alphaSum;

        Pass(GolfGpt gpt, TestTimeTrainer trainer, int[] stream, EvalWindows windows, LongConsumer progress,
             TargetObserver observer) {
            this.gpt = gpt;
            this.trainer = trainer;
            this.stream = stream;
            this.windows = windows;
            this.progress = progress;
            this.observer = observer;
            this.mixer = ngram == null ? null : new NgramMixer(ngram, model.vocabSize());
            this.chunkTokens = ttt == null ? Integer.MAX_VALUE : ttt.chunkTokens();
            this.chunks = (int) ((windows.targets() + (long) chunkTokens - 1) / chunkTokens);
            this.p = new double[model.vocabSize()];
        }

        ScoreFirstResult run() {
            int chunk = 0;
            for (EvalWindow win : windows) {
                int of = (win.start() + win.scoredFrom()) / chunkTokens;
                if (of != chunk || batchTokens + win.length() > maxTokens) {
                    flush();
                }
                // every chunk before the window's is scored in full: train on each, in order
                for (; chunk < of; chunk++) {
                    train(chunk);
                }
                batch.add(win);
                batchTokens += win.length();
            }
            flush();
            return new ScoreFirstResult(new BitsPerByte(loss, targets, byteCount), chunks, trained, matched,
                    matched == 0 ? 0 : alphaSum / matched);
        }

        private void train(int chunk) {
            if (trainer == null || chunk >= chunks - 1) {
                return; // nothing is scored after the last chunk
            }
            int from = chunk * chunkTokens;
            int to = (int) Math.min((long) from + chunkTokens, windows.targets());
            trainer.train(stream, from, to, ttt.lrOfChunk(chunk, chunks));
            trained++;
        }

        private void flush() {
            if (batch.isEmpty()) {
                return;
            }
            int[] inputs = new int[batchTokens];
            int[] tgts = new int[batchTokens];
            int at = 0;
            for (EvalWindow win : batch) {
                System.arraycopy(stream, win.start(), inputs, at, win.length());
                System.arraycopy(stream, win.start() + 1, tgts, at, win.length());
                at += win.length();
            }
            float[] out = ops.download(distributions ? gpt.batchLogits(inputs) : gpt.tokenLosses(inputs, tgts));
            at = 0;
            for (EvalWindow win : batch) {
                for (int i = win.scoredFrom(); i < win.length(); i++) {
                    int row = at + i;
                    int pos = win.start() + i;
                    double nats = distributions ? scoreFromLogits(out, row, pos, tgts[row]) : out[row];
                    loss += nats;
                    byteCount += bytes.bytes(inputs[row], tgts[row]);
                    observer.scored(pos, nats, distributions ? p : null);
                }
                targets += win.scored();
                at += win.length();
            }
            progress.accept(targets);
            batch.clear();
            batchTokens = 0;
        }

        /** −ln p(target) from the softmax of row {@code row} of the logits, mixed with the n-gram counts. */
        private double scoreFromLogits(float[] logits, int row, int pos, int target) {
            int v = p.length;
            int base = row * v;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logits[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                double e = Math.exp((double) logits[base + j] - max);
                p[j] = e;
                sum += e;
            }
            double inv = 1.0 / sum;
            for (int j = 0; j < v; j++) {
                p[j] *= inv;
            }
            if (mixer != null) {
                double alpha = mixer.mix(p, stream, pos, p);
                if (alpha > 0) {
                    matched++;
                    alphaSum += alpha;
                }
                mixer.scored(stream, pos);
            }
            return -Math.log(p[target]);
        }
    }
}
