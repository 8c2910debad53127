package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.Settings;
import dev.baton.runtime.golf.eval.NgramConfig;
import dev.baton.runtime.golf.eval.TestTimeTrainingConfig;

import java.util.Locale;

/**
 * The evaluation-time adaptation bound from {@code baton.golf.eval.ttt} and
 * {@code baton.golf.eval.ngram}: score-first test-time training and n-gram backoff mixing, each
 * null when its {@code enabled} is false.
 */
public record GolfScoreFirst(TestTimeTrainingConfig ttt, NgramConfig ngram) {
    public static final GolfScoreFirst OFF = new GolfScoreFirst(null, null);

    /** Binds and checks both sections. */
    public static GolfScoreFirst of(Settings s) {
        TestTimeTrainingConfig ttt = null;
        if (s.flag("baton.golf.eval.ttt.enabled")) {
            try {
                ttt = new TestTimeTrainingConfig(s.wholeNumber("baton.golf.eval.ttt.chunk-tokens"),
                        s.number("baton.golf.eval.ttt.lr"), s.number("baton.golf.eval.ttt.momentum"),
                        s.wholeNumber("baton.golf.eval.ttt.epochs"), s.wholeNumber("baton.golf.eval.ttt.batch-sequences"),
                        s.number("baton.golf.eval.ttt.grad-clip"), s.flag("baton.golf.eval.ttt.cosine"),
                        s.text("baton.golf.eval.ttt.params"));
            } catch (IllegalArgumentException e) {
                throw new BatonConfigException("baton.golf.eval.ttt: " + e.getMessage());
            }
        }
        NgramConfig ngram = null;
        if (s.flag("baton.golf.eval.ngram.enabled")) {
            try {
                ngram = new NgramConfig(s.wholeNumber("baton.golf.eval.ngram.min-order"),
                        s.wholeNumber("baton.golf.eval.ngram.max-order"), s.wholeNumber("baton.golf.eval.ngram.buckets"),
                        s.wholeNumber("baton.golf.eval.ngram.min-count"), s.number("baton.golf.eval.ngram.alpha-base"),
                        s.number("baton.golf.eval.ngram.alpha-range"), s.number("baton.golf.eval.ngram.entropy-scale"),
                        s.number("baton.golf.eval.ngram.entropy-center"));
            } catch (IllegalArgumentException e) {
                throw new BatonConfigException("baton.golf.eval.ngram: " + e.getMessage());
            }
        }
        return new GolfScoreFirst(ttt, ngram);
    }

    /** True when either technique is on. */
    public boolean enabled() {
        return ttt != null || ngram != null;
    }

    /** The log tag of the score: {@code ttt}, {@code ngram} or {@code ttt_ngram}. */
    public String tag() {
        return ttt != null && ngram != null ? "ttt_ngram" : ttt != null ? "ttt" : "ngram";
    }

    /** One line naming the settings, for the log. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (ttt != null) {
            b.append(String.format(Locale.ROOT, "score-first TTT: chunks of %,d targets, SGD lr %s%s momentum %s, "
                            + "%d epoch(s) of %d sequences, clip %s, params /%s/", ttt.chunkTokens(), ttt.lr(),
                    ttt.cosine() ? " (cosine over chunks)" : "", ttt.momentum(), ttt.epochs(), ttt.batchSequences(),
                    ttt.gradClip(), ttt.params()));
        }
        if (ngram != null) {
            b.append(b.length() > 0 ? "; " : "").append(String.format(Locale.ROOT, "n-gram backoff: orders %d-%d, "
                            + "%,d buckets, min count %d, alpha = %s + %s sigmoid(%s (H - %s))", ngram.minOrder(),
                    ngram.maxOrder(), ngram.buckets(), ngram.minCount(), ngram.alphaBase(), ngram.alphaRange(),
                    ngram.entropyScale(), ngram.entropyCenter()));
        }
        return b.toString();
    }
}
