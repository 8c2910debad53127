package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.AdamState;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonState;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamState;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.AttentionWindows;
import dev.baton.runtime.schedule.TrainingSchedule;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every step 0..7 of GOLDEN.md's record-small through the pieces every device of a run is made of
 * ({@link Gpt} + {@link NorMuonAndAdam} from the portable init, the golden batches, the record-small schedule
 * with its YaRN transitions, Adam on odd steps, the tie and the untie after step 5) against the
 * PyTorch reference: the training loss (1e-5 relative), every stored gradient as the optimizer
 * sees it, every weight after the update, and the stored optimizer state.
 *
 * <p>Tolerance, per reference/README.md's calibration: two correct fp32 runs (PyTorch CPU vs GPU)
 * agree to 5e-5 on steps 0-4 and drift to 4.3e-4 at step 5, as Adam's eps 1e-10 and polar
 * express amplify rounding noise. Steps 0-4 therefore use the strict GOLDEN.md bound, 1e-4
 * absolute on every value (and 1e-4 relative on sums of squares); from step 5 on, where the strict
 * bound fails correct ports (here: 3.7e-4 on mlp_bank's step-5 gradient), every value must satisfy
 * |diff| ≤ 1e-4 + 1e-3·max|golden tensor| (worst here 0.49 of that bound), and sums of squares 2e-3
 * relative (worst here 8e-4, value_embeds.1's exp_avg_sq after step 5: a sum of squared tiny
 * gradients; PyTorch CPU vs GPU differ by 5.7e-4 there). The test prints the worst ratios per step.
 *
 * <p>The same golden run through the actor runtime (losses and weights after every step) is
 * {@code GoldenThroughActorsTest} in the actors module.
 */
class GoldenTrainingTest {
    private static final String RESOURCE = "golden/record-small.safetensors";
    private static final int STRICT_STEPS = 5;
    private static final GoldenTolerance.Bound STRICT = new GoldenTolerance.Bound(1e-4, 0, 1e-4);
    private static final GoldenTolerance.Bound DRIFT = new GoldenTolerance.Bound(1e-4, 1e-3, 2e-3);

    @Test
    void everyStepMatchesThePyTorchReference() throws URISyntaxException {
        URL url = getClass().getClassLoader().getResource(RESOURCE);
        assertNotNull(url, RESOURCE + " is part of the repository");
        TrainingConfig config = TrainingConfig.recordSmall();
        TrainingSchedule schedule = new TrainingSchedule(config.schedule());
        List<String> failures = new ArrayList<>();
        List<String> report = new ArrayList<>();
        try (SafeTensorsFile golden = SafeTensorsFile.open(Path.of(url.toURI()));
             CpuOps ops = new CpuOps(2); ParamSet params = GptParams.create(ops, config.model(), config.seed());
             Gpt gpt = new Gpt(ops, config.model(), params, 256); CpuOptimizerKernels kernels = new CpuOptimizerKernels(2);
             NorMuonAndAdam optimizer = new NorMuonAndAdam(config.table(), params, ops, kernels, config.adam(),
                     config.normuon(), ShardAssignment.single(), schedule.splitStep())) {
            GoldenTolerance tol = new GoldenTolerance(golden, failures);
            for (Param p : params.all()) {
                tol.compare("init." + p.name(), p.name(), ops.download(p.value()), new GoldenTolerance.Bound(1e-6, 0, 1e-6));
            }
            assertEquals(schedule.numIterations(), 8);
            for (int s = 0; s < schedule.numIterations(); s++) {
                schedule.yarnTransition(s).ifPresent(t -> gpt.applyWindowChange(t.oldLongBlocks(), t.newLongBlocks()));
                double[] scales = golden.doubles("step." + s + ".attn_scale");
                assertEquals(scales[0], gpt.yarn().attnScale(), 1e-12, "attention scale at step " + s);
                assertEquals(scales[1], gpt.pairedYarn().attnScale(), 1e-12, "paired scale at step " + s);
                GoldenTolerance.Bound bound = s < STRICT_STEPS ? STRICT : DRIFT;
                AttentionWindows w = schedule.windows(s);
                Batch b = new Batch(golden.ints("batch." + s + ".inputs"), golden.ints("batch." + s + ".targets"),
                        golden.ints("batch." + s + ".cu_seqlens"));
                double loss = ops.download(gpt.forward(b, new ForwardSchedule(schedule.mtpWeights(s), w.shortBlocks(),
                        w.longBlocks())))[0];
                gpt.backward(1f);
                double ref = golden.doubles("step." + s + ".loss")[0];
                assertEquals(ref, loss, 1e-5 * Math.abs(ref), "training loss of step " + s);

                boolean tiedAdam = schedule.isAdamStep(s) && optimizer.tied();
                for (Param p : params.all()) {
                    float[] g = ops.download(p.grad());
                    if (tiedAdam && p.name().equals(GptParams.LM_HEAD)) {
                        addTransposed(g, ops.download(params.get(GptParams.EMBED).grad()),
                                config.model().modelDim(), config.model().vocabSize());
                    }
                    tol.compare("step." + s + ".grad." + p.name(), p.name(), g, bound);
                }
                String grads = tol.takeWorst();
                optimizer.step(s, schedule.lrFactor(s), schedule.momentum(s), schedule.isAdamStep(s));
                for (Param p : params.all()) {
                    tol.compare("step." + s + ".param." + p.name(), p.name(), ops.download(p.value()), bound);
                }
                String weights = tol.takeWorst();
                compareState(ops, optimizer, tol, s, bound, failures);
                report.add("step " + s + ": loss " + loss + " (golden " + ref + "); grads " + grads + "; weights "
                        + weights + "; state " + tol.takeWorst());
            }
        }
        System.out.println(String.join("\n", report));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** The optimizer state the golden file holds after step s (where it changed at s). */
    private static void compareState(CpuOps ops, NorMuonAndAdam optimizer, GoldenTolerance tol, int s,
                                     GoldenTolerance.Bound bound, List<String> failures) {
        for (ParamEntry e : optimizer.table().inScatterOrder()) {
            String pre = "step." + s + ".state." + e.param() + ".";
            ParamState st = optimizer.state(e.label());
            if (st instanceof NorMuonState n && tol.has(pre + "momentum")) {
                tol.compare(pre + "momentum", e.param(), ops.download(n.momentum()), bound);
                tol.compare(pre + "second_momentum", e.param(), ops.download(n.secondMoment()), bound);
            } else if (st instanceof AdamState a && tol.has(pre + "exp_avg")) {
                tol.compare(pre + "exp_avg", e.param(), ops.download(a.expAvg()), bound);
                tol.compare(pre + "exp_avg_sq", e.param(), ops.download(a.expAvgSq()), bound);
                int want = golden(pre + "step");
                if (want != a.step()) {
                    failures.add(pre + "step: golden " + want + ", here " + a.step());
                }
            }
        }
    }

    private static int golden(String key) {
        try (SafeTensorsFile f = SafeTensorsFile.open(goldenPath())) {
            return f.ints(key)[0];
        }
    }

    private static Path goldenPath() {
        try {
            return Path.of(GoldenTrainingTest.class.getClassLoader().getResource(RESOURCE).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** head (d, V) += embedᵀ, embed (V, d): what the optimizer sees on a tied Adam step. */
    private static void addTransposed(float[] head, float[] embed, int d, int v) {
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < v; j++) {
                head[i * v + j] += embed[j * d + i];
            }
        }
    }
}
