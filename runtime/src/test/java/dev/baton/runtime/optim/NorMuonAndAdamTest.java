package dev.baton.runtime.optim;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static dev.baton.runtime.optim.TinyParams.D;
import static dev.baton.runtime.optim.TinyParams.V;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The orchestrator on one device: gradient clearing, Adam accumulation, the tie and untie, state I/O. */
class NorMuonAndAdamTest {
    private static final TrainingSchedule SCHEDULE = new TrainingSchedule(ScheduleConfig.recordSmall());
    private final CpuOps ops = new CpuOps(2);
    private final CpuOptimizerKernels kernels = new CpuOptimizerKernels(2);

    @AfterEach
    void close() {
        kernels.close();
        ops.close();
    }

    @Test
    void normuonGradsClearEveryStepAdamGradsOnlyAfterAdamSteps() {
        ParamSet set = TinyParams.create(ops, 3);
        NorMuonAndAdam opt = ShardedUpdateTest.optimizer(ops, kernels, set, ShardAssignment.single());
        TinyParams.addGradients(ops, set, 7);
        float[] scalarsGrad = ops.download(set.get("scalars").grad());
        float[] embedGrad = ops.download(set.get("embed").grad());
        float[] scalarsBefore = ops.download(set.get("scalars").value());
        float[] bankBefore = ops.download(set.get("attn_bank").value());
        run(opt, 0);
        assertTrue(allZero(ops.download(set.get("attn_bank").grad())));
        assertTrue(allZero(ops.download(set.get("mlp_bank").grad())));
        assertArrayEquals(scalarsGrad, ops.download(set.get("scalars").grad()), "kept for accumulation");
        assertArrayEquals(embedGrad, ops.download(set.get("embed").grad()));
        assertArrayEquals(scalarsBefore, ops.download(set.get("scalars").value()), "Adam did not step");
        assertFalse(Arrays.equals(bankBefore, ops.download(set.get("attn_bank").value())), "NorMuon stepped");

        TinyParams.addGradients(ops, set, 8);
        run(opt, 1);
        for (Param p : set.all()) {
            assertTrue(allZero(ops.download(p.grad())), p.name() + " cleared after the Adam step");
        }
    }

    @Test
    void adamConsumesTheTwoStepSumAndTiedHeadTheEmbedGradientTransposed() {
        ParamSet set = TinyParams.create(ops, 3);
        ParamSet expected = TinyParams.copy(ops, set);
        NorMuonAndAdam opt = ShardedUpdateTest.optimizer(ops, kernels, set, ShardAssignment.single());
        TinyParams.addGradients(ops, set, 7);
        run(opt, 0);
        TinyParams.addGradients(ops, set, 8);
        TinyParams.addGradients(ops, expected, 7);
        TinyParams.addGradients(ops, expected, 8);   // expected's grads = the two-step sums
        run(opt, 1);

        Adam adam = new Adam(kernels, AdamConfig.record());
        ParamTable table = ParamTable.record();
        ParamEntry scalars = table.entry("scalars");
        AdamState s = new AdamState(ops, Shape.of(40));
        adam.update(expected.get("scalars").value(), expected.get("scalars").grad(), s, scalars, SCHEDULE.lrFactor(1));
        assertArrayEquals(ops.download(expected.get("scalars").value()), ops.download(set.get("scalars").value()));

        // lm_head sees grad(lm_head) + grad(embed)ᵀ
        Tensor head = expected.get("lm_head").grad();
        kernels.addTransposed(head, expected.get("embed").grad());
        AdamState h = new AdamState(ops, Shape.of(D, V));
        adam.update(expected.get("lm_head").value(), head, h, table.entry("lm_head"), SCHEDULE.lrFactor(1));
        assertArrayEquals(ops.download(expected.get("lm_head").value()), ops.download(set.get("lm_head").value()));
        assertArrayEquals(ops.download(h.expAvg()), ops.download(((AdamState) opt.state("lm_head")).expAvg()));
    }

    @Test
    void embedFollowsTheHeadWhileTiedAndInheritsItsStateAtTheSplit() {
        ParamSet set = TinyParams.create(ops, 4);
        NorMuonAndAdam opt = ShardedUpdateTest.optimizer(ops, kernels, set, ShardAssignment.single());
        int split = SCHEDULE.splitStep();
        assertEquals(5, split);
        for (int s = 0; s <= split; s++) {
            TinyParams.addGradients(ops, set, 20 + s);
            run(opt, s);
            assertArrayEquals(transpose(ops.download(set.get("lm_head").value()), D, V),
                    ops.download(set.get("embed").value()), "embed == lm_headᵀ after step " + s);
            AdamState embed = (AdamState) opt.state("embed");
            if (s < split) {
                assertTrue(opt.tied());
                assertEquals(0, embed.step(), "embed's own state does not advance while tied");
                assertTrue(allZero(ops.download(embed.expAvg())));
            }
        }
        assertFalse(opt.tied());
        AdamState head = (AdamState) opt.state("lm_head");
        AdamState embed = (AdamState) opt.state("embed");
        assertEquals(3, head.step());
        assertEquals(head.step(), embed.step());
        assertArrayEquals(transpose(ops.download(head.expAvg()), D, V), ops.download(embed.expAvg()));
        assertArrayEquals(transpose(ops.download(head.expAvgSq()), D, V), ops.download(embed.expAvgSq()));

        for (int s = split + 1; s < SCHEDULE.numIterations(); s++) {
            TinyParams.addGradients(ops, set, 20 + s);
            run(opt, s);
        }
        assertEquals(4, embed.step());
        assertNotEquals(Arrays.toString(transpose(ops.download(set.get("lm_head").value()), D, V)),
                Arrays.toString(ops.download(set.get("embed").value())), "untied weights diverge");
    }

    @Test
    void exportedStateResumesToIdenticalWeightsWholeOrSharded() {
        ParamSet a = TinyParams.create(ops, 5);
        NorMuonAndAdam optA = ShardedUpdateTest.optimizer(ops, kernels, a, ShardAssignment.single());
        for (int s = 0; s < 6; s++) {
            TinyParams.addGradients(ops, a, 40 + s);
            run(optA, s);
        }
        Map<String, StateTensor> saved = optA.exportState();
        assertEquals(0, saved.get("optim.tied").ints()[0]);
        assertArrayEquals(new int[] {0, 6, 6}, saved.get("optim.mlp.slice").ints());
        assertEquals(Shape.of(6, 32, 1), saved.get("optim.mlp.second_moment").shape());
        assertEquals(3, saved.get("optim.embed.step").ints()[0]);

        ParamSet b = TinyParams.copy(ops, a);
        NorMuonAndAdam optB = ShardedUpdateTest.optimizer(ops, kernels, b, ShardAssignment.single());
        optB.importState(saved);
        // rank 1 of 2 takes its own slices out of the whole state
        ParamSet c = TinyParams.copy(ops, a);
        NorMuonAndAdam optC = ShardedUpdateTest.optimizer(ops, kernels, c, ShardAssignment.even(2, 1));
        optC.importState(saved);
        assertArrayEquals(Arrays.copyOfRange(saved.get("optim.attn.momentum").floats(), 4 * 64, 8 * 64),
                ops.download(((NorMuonState) optC.state("attn")).momentum()));

        for (int s = 6; s < 8; s++) {
            TinyParams.addGradients(ops, a, 40 + s);
            TinyParams.addGradients(ops, b, 40 + s);
            run(optA, s);
            run(optB, s);
        }
        for (Param p : a.all()) {
            assertArrayEquals(ops.download(p.value()), ops.download(b.get(p.name()).value()), p.name());
        }

        Map<String, StateTensor> shard = optC.exportState();
        NorMuonAndAdam rank0 = ShardedUpdateTest.optimizer(ops, kernels, TinyParams.copy(ops, a), ShardAssignment.even(2, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rank0.importState(shard));
        assertTrue(e.getMessage().contains("merge the shards"), e.getMessage());
    }

    @Test
    void misuseEndsWithAClearMessage() {
        ParamSet set = TinyParams.create(ops, 6);
        NorMuonAndAdam opt = ShardedUpdateTest.optimizer(ops, kernels, set, ShardAssignment.single());
        IllegalStateException notAdam = assertThrows(IllegalStateException.class,
                () -> opt.update("scalars", opt.gradSlice("scalars"), 1, 0.9, false));
        assertTrue(notAdam.getMessage().contains("not an Adam step"), notAdam.getMessage());
        IllegalStateException tiedEmbed = assertThrows(IllegalStateException.class,
                () -> opt.update("embed", opt.gradSlice("embed"), 1, 0.9, true));
        assertTrue(tiedEmbed.getMessage().contains("tied to lm_head"), tiedEmbed.getMessage());
        IllegalArgumentException wrongShape = assertThrows(IllegalArgumentException.class,
                () -> opt.update("attn", ops.allocate(Shape.of(3), DType.F32), 1, 0.9, false));
        assertTrue(wrongShape.getMessage().contains("attn"), wrongShape.getMessage());
        NorMuonAndAdam sharded = ShardedUpdateTest.optimizer(ops, kernels, TinyParams.copy(ops, set), ShardAssignment.even(2, 0));
        IllegalStateException gather = assertThrows(IllegalStateException.class, sharded::untieLocal);
        assertTrue(gather.getMessage().contains("gather"), gather.getMessage());
    }

    private static void run(NorMuonAndAdam opt, int s) {
        opt.step(s, SCHEDULE.lrFactor(s), SCHEDULE.momentum(s), SCHEDULE.isAdamStep(s));
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }

    private static boolean allZero(float[] a) {
        for (float f : a) {
            if (f != 0f) {
                return false;
            }
        }
        return true;
    }
}
