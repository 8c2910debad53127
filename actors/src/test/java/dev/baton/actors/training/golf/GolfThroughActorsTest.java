package dev.baton.actors.training.golf;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.TrainingRun;
import dev.baton.actors.run.Workload;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.data.TokenStream;
import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.bpb.ByteTables;
import dev.baton.runtime.golf.eval.EvalWindows;
import dev.baton.runtime.golf.eval.GolfEvaluator;
import dev.baton.runtime.golf.train.GolfTrainer;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.TrainingClock;
import dev.baton.runtime.tensor.Tensor;
import dev.baton.runtime.train.LossSum;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golf through the actor runtime against the single-device {@link GolfTrainer}: W = 1, 2 and 4
 * virtual CPU devices (W ranks × 4/W micro-steps read the trainer's 4 micro-batches) give its
 * losses within 1e-5 relative and its weights after 5 steps, with Muon's matrices sharded by whole
 * matrices and Adam's parameters all-reduced; the sliding-window bpb evaluation split over W ranks
 * gives the single-rank evaluator's float64 sums, before and after training.
 */
class GolfThroughActorsTest {
    @TempDir
    static Path dir;
    private static GolfFixture.Corpus corpus;
    private static Reference reference;

    /** The single-device run: losses per step, the score before and after, the final weights. */
    record Reference(float[] losses, BitsPerByte before, BitsPerByte after, Map<String, float[]> weights) {
    }

    /** An actor run: losses by step, the ranks' summed evaluations by steps done, rank 0's final weights. */
    record Outcome(RunResult result, Map<Long, Double> losses, Map<Long, LossSum> evals, Map<String, float[]> weights,
                   BitsPerByte oneRankAfter) {
    }

    @BeforeAll
    static void train() {
        corpus = GolfFixture.corpus(dir);
        reference = reference();
    }

    private static EvalWindows windows() {
        return EvalWindows.sliding(corpus.validation().length, GolfFixture.SEQ, GolfFixture.STRIDE);
    }

    private static Reference reference() {
        try (CpuOps ops = new CpuOps(1); CpuOptimizerKernels kernels = new CpuOptimizerKernels(1);
             ParamSet params = GolfParams.create(ops, GolfFixture.MODEL, GolfFixture.SEED);
             GolfGpt gpt = new GolfGpt(ops, GolfFixture.MODEL, params, GolfFixture.SEQ, GolfFixture.MAX_TOKENS);
             MuonAndAdam optimizer = new MuonAndAdam(params, GolfParams.groups(GolfFixture.MODEL), ops, kernels,
                     GolfFixture.OPTIM)) {
            GolfEvaluator evaluator = new GolfEvaluator(ops, gpt, ByteTables.byte260());
            BitsPerByte before = evaluator.evaluate(corpus.validation(), windows());
            GolfTrainer trainer = new GolfTrainer(ops, gpt, optimizer, new TokenStream(corpus.train()), GolfFixture.WARMDOWN,
                    new TrainingClock(() -> 0L), GolfFixture.TOKENS_PER_STEP, GolfFixture.SLICES, null);
            float[] losses = new float[GolfFixture.STEPS];
            for (int s = 0; s < GolfFixture.STEPS; s++) {
                losses[s] = trainer.runStep().trainLoss();
            }
            BitsPerByte after = evaluator.evaluate(corpus.validation(), windows());
            Map<String, float[]> weights = new LinkedHashMap<>();
            for (Param p : params.all()) {
                weights.put(p.name(), ops.download(p.value()));
            }
            return new Reference(losses, before, after, weights);
        }
    }

    private static Outcome actors(int world) {
        GolfLrScales scales = GolfLrScales.stepBased(GolfFixture.WARMDOWN);
        GolfWorkFactory golf = new GolfWorkFactory(GolfFixture.MODEL, GolfFixture.OPTIM, scales, GolfFixture.SEED,
                GolfFixture.SEQ, GolfFixture.MAX_TOKENS, 1);
        Map<String, Tensor> rankZero = new ConcurrentHashMap<>();
        WorkFactory work = new WorkFactory() {
            @Override
            public List<ParamLayout> layouts(int w) {
                return golf.layouts(w);
            }

            @Override
            public DeviceWork create(int rank, ShardPlan plan) {
                DeviceWork w = golf.create(rank, plan);
                if (rank == 0) {
                    // the tensors outlive the closed work on the CPU (heap storage)
                    for (Param p : ((GolfDeviceWork) w).params().all()) {
                        rankZero.put(p.name(), p.value());
                    }
                }
                return w;
            }
        };
        GolfValidation val = new GolfValidation(corpus.validation(), windows(), ByteTables.byte260(),
                GolfFixture.MAX_TOKENS / GolfFixture.SEQ);
        GolfBatchSource data = new GolfBatchSource(corpus.train(), GolfFixture.TOKENS_PER_STEP,
                GolfFixture.SLICES / world, scales, val);
        Map<Long, Double> losses = new ConcurrentHashMap<>();
        Map<Long, LossSum> evals = new ConcurrentHashMap<>();
        RunListener listener = new RunListener() {
            @Override
            public void stepDone(StepReport r) {
                losses.put(r.step(), r.loss());
            }

            @Override
            public void evaluated(long stepsDone, LossSum result) {
                evals.put(stepsDone, result);
            }
        };
        Workload base = golf.workload(data);
        RunResult result;
        try (TrainingRun run = TrainingRun.start(RunSettings.defaults(world, GolfFixture.STEPS)
                .withEval(GolfFixture.STEPS, true), new Workload(work, base.data(), base.table(), base.schedule()), listener)) {
            result = run.await(Duration.ofMinutes(2));
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        try (CpuOps ops = new CpuOps(1)) {
            for (String name : reference.weights().keySet()) {
                weights.put(name, ops.download(rankZero.get(name)));
            }
        }
        return new Outcome(result, new TreeMap<>(losses), new TreeMap<>(evals), weights, scoreOnOneRank(weights));
    }

    /** The single-rank evaluator's score of these weights. */
    private static BitsPerByte scoreOnOneRank(Map<String, float[]> weights) {
        try (CpuOps ops = new CpuOps(1); ParamSet params = GolfParams.allocate(ops, GolfFixture.MODEL);
             GolfGpt gpt = new GolfGpt(ops, GolfFixture.MODEL, params, GolfFixture.SEQ, GolfFixture.MAX_TOKENS)) {
            for (Param p : params.all()) {
                ops.write(p.value(), weights.get(p.name()));
            }
            return new GolfEvaluator(ops, gpt, ByteTables.byte260()).evaluate(corpus.validation(), windows());
        }
    }

    @Test
    void oneTwoAndFourDevicesTrainAsTheSingleDeviceTrainer() {
        for (int world : new int[] {1, 2, 4}) {
            Outcome o = actors(world);
            assertEquals(RunResult.Status.COMPLETED, o.result().status(), o.result().message());
            for (int s = 0; s < GolfFixture.STEPS; s++) {
                double want = reference.losses()[s];
                double got = o.losses().get((long) s);
                System.out.printf("W=%d step %d loss %.8f reference %.8f rel %.2e%n", world, s, got, want,
                        Math.abs(got - want) / want);
                assertEquals(want, got, 1e-5 * want, "W = " + world + ", loss of step " + s);
            }
            double worst = 0;
            String worstName = "";
            for (Map.Entry<String, float[]> e : reference.weights().entrySet()) {
                double rel = relativeDistance(e.getValue(), o.weights().get(e.getKey()));
                if (rel > worst) {
                    worst = rel;
                    worstName = e.getKey();
                }
            }
            System.out.printf("W=%d weights: largest relative distance %.2e (%s)%n", world, worst, worstName);
            assertTrue(worst < (world == 1 ? 1e-7 : 1e-4), "W = " + world + ": " + worstName + " differs by " + worst);
            // the initial model split over W ranks against one rank
            assertSameScore(reference.before(), o.evals().get(0L), world, "before training");
            // the trained model (W's weights) split over W ranks against one rank
            assertSameScore(o.oneRankAfter(), o.evals().get((long) GolfFixture.STEPS), world, "after training");
            double after = o.oneRankAfter().lossNats();
            assertEquals(reference.after().lossNats(), after, (world == 1 ? 0 : 1e-5) * after,
                    "W = " + world + ": evaluation after training against the single-device trainer's");
        }
    }

    private static void assertSameScore(BitsPerByte want, LossSum got, int world, String when) {
        GolfValidation val = new GolfValidation(corpus.validation(), windows(), ByteTables.byte260(), 1);
        BitsPerByte score = val.score(got);
        System.out.printf("W=%d %s: loss sum %.17g vs %.17g, tokens %.0f vs %.0f, bytes %.0f vs %.0f, bpb %.10f%n", world,
                when, score.lossNats(), want.lossNats(), score.tokens(), want.tokens(), score.bytes(), want.bytes(),
                score.bpb());
        assertEquals(want.tokens(), score.tokens(), "W = " + world + " " + when + ": scored tokens");
        assertEquals(want.bytes(), score.bytes(), "W = " + world + " " + when + ": bytes");
        // each token's loss is the one rank's bit for bit (same batches), and the sums come out identical
        assertEquals(want.lossNats(), score.lossNats(), 0.0, "W = " + world + " " + when + ": float64 loss sum");
    }

    private static double relativeDistance(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (double) (a[i] - b[i]) * (a[i] - b[i]);
            norm += (double) a[i] * a[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }
}
