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

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The evaluator against closed forms and against itself: a model whose logits are all equal scores
 * log2(V) bits per token, so val_bpb = log2(V) · targets / bytes; sliding windows with stride =
 * seqLen are the non-overlapping sequences; ranks' sums add up to the single-rank score.
 */
class GolfEvaluatorTest {
    private static final CpuOps OPS = new CpuOps(2);
    private static final GolfConfig CONFIG = GolfConfig.of(260, 3, 16, 4, 2, 2);
    private static final int SEQ = 32;
    private static int[] stream;

    @BeforeAll
    static void text() {
        Tokenizer bytes = Tokenizer.named("byte260");
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        String[] verses = {"In the beginning God created the heaven and the earth.",
                "And the earth was without form, and void; and darkness was upon the face of the deep.",
                "And God said, Let there be light: and there was light.",
                "And God saw the light, that it was good: and God divided the light from the darkness."};
        for (int round = 0; round < 2; round++) {
            for (String v : verses) {
                for (int id : bytes.encodeDocument(v)) {
                    ids.add(id);
                }
            }
        }
        stream = ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @AfterAll
    static void close() {
        OPS.close();
    }

    private static ParamSet randomParams(long seed) {
        ParamSet params = GolfParams.create(OPS, CONFIG, seed);
        Random r = new Random(seed);
        for (Param p : params.all()) {
            float[] v = OPS.download(p.value());
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (r.nextGaussian() * 0.2);
            }
            OPS.write(p.value(), v);
        }
        return params;
    }

    @Test
    void aUniformModelScoresLog2VocabularyBitsPerToken() {
        try (ParamSet params = GolfParams.create(OPS, CONFIG, 1);
             GolfGpt gpt = new GolfGpt(OPS, CONFIG, params, SEQ, 3 * SEQ)) {
            // a zero embedding makes x0, every block's output and so every logit zero
            OPS.fill(params.get(GolfParams.TOK_EMB).value(), 0f);
            GolfEvaluator eval = new GolfEvaluator(OPS, gpt, ByteTables.byte260());
            int n = stream.length;
            for (EvalWindows plan : new EvalWindows[] {EvalWindows.sequences(n, SEQ), EvalWindows.sliding(n, SEQ, 8)}) {
                BitsPerByte score = eval.evaluate(stream, plan);
                long targets = plan.targets();
                // byte260: every byte token is one byte, BOS (id 1) none
                long byteTargets = 0;
                for (int i = 1; i <= targets; i++) {
                    byteTargets += stream[i] >= 4 ? 1 : 0;
                }
                assertEquals(targets, (long) score.tokens());
                assertEquals(byteTargets, (long) score.bytes());
                assertEquals(Math.log(260), score.valLoss(), 1e-6);
                double closedForm = Math.log(260) / Math.log(2) * targets / byteTargets;
                assertEquals(closedForm, score.bpb(), 1e-6 * closedForm);
            }
        }
    }

    @Test
    void stridedWindowsOfTheSequenceLengthAreTheNonOverlappingSequences() {
        int n = 4 * SEQ + 1;
        int[] part = java.util.Arrays.copyOf(stream, n);
        try (ParamSet params = randomParams(5); GolfGpt gpt = new GolfGpt(OPS, CONFIG, params, SEQ, 2 * SEQ)) {
            GolfEvaluator eval = new GolfEvaluator(OPS, gpt, ByteTables.byte260());
            BitsPerByte chunks = eval.evaluate(part, EvalWindows.sequences(n, SEQ));
            BitsPerByte strided = eval.evaluate(part, EvalWindows.sliding(n, SEQ, SEQ));
            assertEquals(chunks.tokens(), strided.tokens());
            assertEquals(chunks.bytes(), strided.bytes());
            // the same forwards; only the JIT's vectorised exp may move the last bits between two runs
            assertEquals(chunks.lossNats(), strided.lossNats(), 1e-7 * chunks.lossNats());
            // with overlap the later windows see more context: another number, same targets and bytes
            BitsPerByte sliding = eval.evaluate(part, EvalWindows.sliding(n, SEQ, 8));
            assertEquals(chunks.tokens(), sliding.tokens());
            assertEquals(chunks.bytes(), sliding.bytes());
            assertNotEquals(chunks.lossNats(), sliding.lossNats());
        }
    }

    @Test
    void rankSlicesAddUpToTheWholeScoreAndCoverEveryTargetOnce() {
        try (ParamSet params = randomParams(6); GolfGpt gpt = new GolfGpt(OPS, CONFIG, params, SEQ, 3 * SEQ)) {
            GolfEvaluator eval = new GolfEvaluator(OPS, gpt, ByteTables.byte260());
            EvalWindows plan = EvalWindows.sliding(stream.length, SEQ, 8);
            BitsPerByte whole = eval.evaluate(stream, plan);
            assertEquals(stream.length - 1, (long) whole.tokens());
            assertEquals(ByteTables.byte260().bytesOfTargets(stream, 0, stream.length - 1), (long) whole.bytes());
            BitsPerByte sum = BitsPerByte.ZERO;
            for (int r = 0; r < 3; r++) {
                sum = sum.plus(eval.evaluate(stream, plan.slice(r, 3)));
            }
            assertEquals(whole.tokens(), sum.tokens());
            assertEquals(whole.bytes(), sum.bytes());
            assertEquals(whole.lossNats(), sum.lossNats(), 1e-6 * whole.lossNats());
        }
    }
}
