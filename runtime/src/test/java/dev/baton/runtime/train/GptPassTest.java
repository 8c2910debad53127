package dev.baton.runtime.train;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** {@link GptPass} on a micro model: the reported loss, and YaRN brought to each step whatever came before. */
class GptPassTest {
    static final GptConfig MICRO = GptConfig.standard(128, LayerLayout.micro(), 16, 2, 8).withBlockSize(4);
    /** record-small's phases stretched to 15 + 5 steps: YaRN transitions before steps 5, 10 and 15. */
    static final TrainingSchedule SCHEDULE = new TrainingSchedule(twentySteps());
    static final Batch BATCH = new Batch(new int[] {5, 9, 3, 7, 1, 2, 8, 4}, new int[] {9, 3, 7, 1, 2, 8, 4, 6},
            new int[] {0, 5, 8});

    private static ScheduleConfig twentySteps() {
        return ScheduleConfig.recordSmall().withIterations(15, 5);
    }

    private static GptPass pass(CpuOps ops, ParamSet params) {
        return new GptPass(new Gpt(ops, MICRO, params, 8), ops, SCHEDULE);
    }

    private static double[] scales(Gpt g) {
        return new double[] {g.yarn().attnScale(), g.pairedYarn().attnScale()};
    }

    @Test
    void reportsTheScaledLossPerTokenAndAccumulatesTheScaledGradient() {
        try (CpuOps ops = new CpuOps(1); ParamSet a = GptParams.create(ops, MICRO, 3); ParamSet b = GptParams.create(ops, MICRO, 3);
             GptPass pass = pass(ops, a); Gpt direct = new Gpt(ops, MICRO, b, 8)) {
            double reported = pass.forwardBackward(BATCH, 0.25f, 0);
            float[] mtp = SCHEDULE.mtpWeights(0);
            assertEquals(3, mtp.length, "step 0 predicts three tokens ahead");
            double sum = ops.download(direct.forward(BATCH, new ForwardSchedule(mtp, 1, 3)))[0];
            direct.backward(0.25f);
            assertEquals(0.25 * sum / 8, reported, 0.0);
            assertArrayEquals(ops.download(b.get("attn_bank").grad()), ops.download(a.get("attn_bank").grad()));
        }
    }

    @Test
    void yarnStandsAtTheStepWhateverTheFirstCallOrAnEvaluationBefore() {
        try (CpuOps ops = new CpuOps(1); ParamSet params = GptParams.create(ops, MICRO, 3)) {
            Gpt steady = new Gpt(ops, MICRO, params, 8);
            Gpt resumed = new Gpt(ops, MICRO, params, 8);
            try (GptPass a = new GptPass(steady, ops, SCHEDULE); GptPass b = new GptPass(resumed, ops, SCHEDULE)) {
                double[] initial = scales(steady);
                for (int step = 0; step <= 12; step++) {
                    a.evaluate(BATCH, step);
                }
                b.forwardBackward(BATCH, 1f, 12);
                assertArrayEquals(scales(steady), scales(resumed), "a replica starting at step 12 applies steps 1..12");
                assertNotEquals(initial[0], scales(steady)[0], "transitions at 5 and 10 changed the scale");
                assertArrayEquals(steady.yarn().angularFrequencies(), resumed.yarn().angularFrequencies());

                b.evaluate(BATCH, SCHEDULE.numIterations());
                b.forwardBackward(BATCH, 1f, 3);
                assertArrayEquals(initial, scales(resumed), "going back to step 3 starts over (no transition before 5)");
            }
        }
    }
}
