package dev.baton.runtime.golf.eval;

import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.bpb.ByteTables;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Score-first evaluation's defining property, order: a target's distribution depends only on the
 * tokens before it (changing a token leaves every earlier score and the distribution it is scored
 * from bit-identical), for test-time training, n-gram mixing and both; and what each adds: TTT
 * changes only the chunks after the first, n-gram counts lower the bits of a repeated phrase, the
 * caller's weights stay as they were, and with neither it is the plain evaluator.
 */
class ScoreFirstEvaluatorTest {
    private static final CpuOps OPS = new CpuOps(2);
    private static final GolfConfig CONFIG = GolfConfig.of(260, 3, 16, 4, 2, 2);
    private static final int SEQ = 32;
    private static final TestTimeTrainingConfig TTT = new TestTimeTrainingConfig(48, 0.05, 0.9, 2, 2, 1.0, false, ".*");
    private static final NgramConfig NGRAM = new NgramConfig(2, 6, 1 << 12, 2, 0.05, 0.55, 2.0, 4.0);
    private static int[] stream;
    private static ParamSet weights;

    @BeforeAll
    static void setUp() {
        Tokenizer bytes = Tokenizer.named("byte260");
        List<Integer> ids = new ArrayList<>();
        String[] verses = {"In the beginning God created the heaven and the earth.",
                "And the earth was without form, and void."};
        for (int round = 0; round < 2; round++) {
            for (String v : verses) {
                for (int id : bytes.encodeDocument(v)) {
                    ids.add(id);
                }
            }
        }
        stream = ids.stream().mapToInt(Integer::intValue).toArray();
        weights = GolfParams.create(OPS, CONFIG, 3);
        Random r = new Random(3);
        for (Param p : weights.all()) {
            float[] v = OPS.download(p.value());
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (r.nextGaussian() * 0.2);
            }
            OPS.write(p.value(), v);
        }
    }

    @AfterAll
    static void close() {
        weights.close();
        OPS.close();
    }

    private static ScoreFirstEvaluator evaluator(TestTimeTrainingConfig ttt, NgramConfig ngram) {
        return new ScoreFirstEvaluator(OPS, CONFIG, SEQ, 3 * SEQ, ByteTables.byte260(), ttt, ngram);
    }

    /** Per-target losses and the distribution of one target, from one pass. */
    private record Trace(double[] losses, double[] distributionAt, ScoreFirstResult result) {
    }

    private static Trace trace(ScoreFirstEvaluator eval, int[] tokens, EvalWindows plan, int watched) {
        double[] losses = new double[plan.targets()];
        double[][] dist = new double[1][];
        Arrays.fill(losses, Double.NaN);
        ScoreFirstResult r = eval.evaluate(weights, tokens, plan, n -> { }, (target, nats, p) -> {
            losses[target] = nats;
            if (target == watched && p != null) {
                dist[0] = p.clone();
            }
        });
        return new Trace(losses, dist[0], r);
    }

    private static void assertCausal(ScoreFirstEvaluator eval, EvalWindows plan) {
        for (int j : new int[] {20, 61, 97}) {
            int[] changed = stream.clone();
            changed[j] = changed[j] == 70 ? 71 : 70;
            Trace a = trace(eval.withDistributions(), stream, plan, j - 1);
            Trace b = trace(eval.withDistributions(), changed, plan, j - 1);
            // targets before j - 1 see none of token j: bit-identical
            assertArrayEquals(Arrays.copyOf(a.losses, j - 1), Arrays.copyOf(b.losses, j - 1), "targets before " + j);
            // the target that is token j is scored from the same distribution, at its own entry
            assertArrayEquals(a.distributionAt, b.distributionAt, "distribution of target " + (j - 1));
            assertEquals(-Math.log(a.distributionAt[changed[j]]), b.losses[j - 1], 0.0);
            // and the change is seen after it (the test is not vacuous)
            boolean later = false;
            for (int t = j; t < plan.targets(); t++) {
                later |= a.losses[t] != b.losses[t];
            }
            assertTrue(later, "changing token " + j + " changes some later score");
        }
    }

    @Test
    void testTimeTrainingNeverScoresATokenAfterTrainingOnIt() {
        assertCausal(evaluator(TTT, null), EvalWindows.sequences(stream.length, SEQ));
        assertCausal(evaluator(TTT, null), EvalWindows.sliding(stream.length, SEQ, 8));
    }

    @Test
    void ngramMixingUsesOnlyScoredTokens() {
        assertCausal(evaluator(null, NGRAM), EvalWindows.sliding(stream.length, SEQ, 8));
    }

    @Test
    void bothTogetherStayCausal() {
        assertCausal(evaluator(TTT, NGRAM), EvalWindows.sliding(stream.length, SEQ, 16));
    }

    @Test
    void trainingChangesOnlyTheChunksAfterTheFirstAndLeavesTheWeightsAlone() {
        float[][] before = weights.all().stream().map(p -> OPS.download(p.value())).toArray(float[][]::new);
        EvalWindows plan = EvalWindows.sequences(stream.length, SEQ);
        Trace plain = trace(evaluator(null, null), stream, plan, -1);
        Trace adapted = trace(evaluator(TTT, null), stream, plan, -1);
        int chunk = TTT.chunkTokens();
        // a window belongs to the chunk of its first target: the sequence at 32 is chunk 0's, so the
        // first one scored after training is the sequence at 64
        int trainedFrom = (chunk + SEQ - 1) / SEQ * SEQ;
        assertEquals(64, trainedFrom);
        assertArrayEquals(Arrays.copyOf(plain.losses, trainedFrom), Arrays.copyOf(adapted.losses, trainedFrom));
        for (int t = trainedFrom; t < plan.targets(); t++) {
            assertNotEquals(plain.losses[t], adapted.losses[t], "target " + t);
        }
        int chunks = (plan.targets() + chunk - 1) / chunk;
        assertEquals(chunks, adapted.result.chunks());
        assertEquals(chunks - 1, adapted.result.chunksTrained());
        // the second verse pair repeats the first: training on what was scored helps
        assertTrue(adapted.result.score().bpb() < plain.result.score().bpb(),
                adapted.result.score().bpb() + " vs " + plain.result.score().bpb());
        float[][] after = weights.all().stream().map(p -> OPS.download(p.value())).toArray(float[][]::new);
        for (int i = 0; i < before.length; i++) {
            assertArrayEquals(before[i], after[i]);
        }
    }

    @Test
    void withNeitherItIsThePlainEvaluator() {
        try (GolfGpt gpt = new GolfGpt(OPS, CONFIG, weights, SEQ, 3 * SEQ)) {
            for (EvalWindows plan : new EvalWindows[] {EvalWindows.sequences(stream.length, SEQ),
                    EvalWindows.sliding(stream.length, SEQ, 8)}) {
                BitsPerByte expected = new GolfEvaluator(OPS, gpt, ByteTables.byte260()).evaluate(stream, plan);
                BitsPerByte got = evaluator(null, null).evaluate(weights, stream, plan, n -> { }, TargetObserver.NONE)
                        .score();
                assertEquals(expected, got);
                // the float64 softmax path agrees with the backend's cross-entropy
                BitsPerByte full = evaluator(null, null).withDistributions()
                        .evaluate(weights, stream, plan, n -> { }, TargetObserver.NONE).score();
                assertEquals(expected.tokens(), full.tokens());
                assertEquals(expected.bytes(), full.bytes());
                assertEquals(expected.bpb(), full.bpb(), 1e-5);
            }
        }
    }

    @Test
    void aRepeatedPhraseLowersTheMixedBitsBelowTheModels() {
        Random r = new Random(11);
        int[] phrase = r.ints(40, 4, 260).toArray();
        int[] repeated = new int[phrase.length * 6 + 1];
        repeated[0] = 1;
        for (int i = 1; i < repeated.length; i++) {
            repeated[i] = phrase[(i - 1) % phrase.length];
        }
        EvalWindows plan = EvalWindows.sliding(repeated.length, SEQ, 16);
        ScoreFirstResult model = evaluator(null, null).evaluate(weights, repeated, plan, n -> { }, TargetObserver.NONE);
        ScoreFirstResult mixed = evaluator(null, NGRAM).evaluate(weights, repeated, plan, n -> { }, TargetObserver.NONE);
        assertEquals(model.score().bytes(), mixed.score().bytes());
        assertTrue(mixed.score().bpb() < 0.6 * model.score().bpb(), mixed.score().bpb() + " vs " + model.score().bpb());
        // from the third repetition on every context was seen min-count (2) times
        assertTrue(mixed.ngramMatched() >= 4L * phrase.length, "matched " + mixed.ngramMatched());
        assertTrue(mixed.meanAlpha() > 0.05 && mixed.meanAlpha() <= 0.6, "mean alpha " + mixed.meanAlpha());
    }
}
