package dev.baton.actors.plan;

import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardPlanTest {
    /** The record's 13 parameters; the MLP bank allocated with the plan's padding for {@code world}. */
    static List<ParamLayout> record(int world) {
        int mlpLayers = ShardPlan.paddedUnits(11, 2, world);
        List<ParamLayout> l = new ArrayList<>();
        l.add(ParamLayout.Bank.unpadded("attn", Shape.of(10, 3072, 768), 768, 768));
        l.add(new ParamLayout.Bank("mlp", Shape.of(mlpLayers, 2, 3072, 768), 3072, 768, 22, 2));
        l.add(new ParamLayout.Replicated("scalars", Shape.of(40)));
        for (String ve : List.of("ve0", "ve1", "ve2")) {
            l.add(new ParamLayout.Rows(ve, Shape.of(50304, 768)));
        }
        l.add(new ParamLayout.Replicated("smear_gate", Shape.of(1, 12)));
        l.add(new ParamLayout.Replicated("skip_gate", Shape.of(1, 12)));
        l.add(new ParamLayout.Replicated("attn_gate_bank", Shape.of(10, 6, 12)));
        l.add(new ParamLayout.Replicated("ve_gate_bank", Shape.of(5, 6, 12)));
        l.add(new ParamLayout.Replicated("x0_lambdas", Shape.of(11)));
        l.add(new ParamLayout.Rows("lm_head", Shape.of(768, 50304)));
        l.add(new ParamLayout.Rows("embed", Shape.of(50304, 768)));
        return l;
    }

    @Test
    void theRecordAtEightDevicesSplitsAsTheRecordDoes() {
        ShardPlan p = ShardPlan.of(record(8), 8);
        for (int r = 0; r < 8; r++) {
            assertEquals(new ShardRange(5 * r, 5 * r + 5), p.owned("attn", r), "5 attention matrices per rank");
            assertEquals(new ShardRange(3 * r, 3 * r + 3), p.owned("mlp", r), "3 MLP matrices per rank");
            assertEquals(new ShardRange(6288 * r, 6288 * r + 6288), p.owned("ve1", r));
            assertEquals(new ShardRange(96 * r, 96 * r + 96), p.owned("lm_head", r));
            assertEquals(new ShardRange(0, 1), p.owned("scalars", r), "replicated: every rank owns it whole");
        }
        assertEquals(40, p.param("attn").layout().units());
        assertEquals(768L * 768, p.param("attn").layout().unitElements());
        assertEquals(24, p.param("mlp").layout().units());
        assertEquals(22, p.param("mlp").layout().usedUnits());
        assertEquals(3072L * 768, p.param("mlp").partition().unitElements());
        assertFalse(p.param("x0_lambdas").sharded());
    }

    @Test
    void mlpPaddingFollowsTheWorldSize() {
        int[] expected = {22, 22, 24, 24, 30, 24, 28, 24}; // W = 1..8, 11 layers of 2 matrices
        for (int w = 1; w <= 8; w++) {
            assertEquals(expected[w - 1], ShardPlan.paddedMatrices(22, 2, w), "W=" + w);
            assertEquals(expected[w - 1] / 2, ShardPlan.paddedUnits(11, 2, w), "layers at W=" + w);
        }
        assertEquals(12, ShardPlan.paddedUnits(11, 2, 8), "the record's 12 MLP layers at W = 8");
    }

    @Test
    void everySupportedWorldSizeCoversEachParameterExactlyOnce() {
        for (int w : new int[] {1, 2, 3, 4, 8}) {
            ShardPlan p = ShardPlan.of(record(w), w);
            for (ParamShards s : p.params().values()) {
                if (!s.sharded()) {
                    continue;
                }
                int next = 0;
                int min = Integer.MAX_VALUE;
                int max = 0;
                for (int r = 0; r < w; r++) {
                    ShardRange range = s.owned(r);
                    assertEquals(next, range.start(), s.name() + " at W=" + w + " rank " + r);
                    next = range.end();
                    min = Math.min(min, range.count());
                    max = Math.max(max, range.count());
                }
                assertEquals(s.layout().units(), next, s.name() + " covered at W=" + w);
                assertTrue(max - min <= 1, s.name() + " balanced at W=" + w);
                if (s.name().equals("mlp")) {
                    assertEquals(min, max, "the padded MLP bank splits evenly at W=" + w);
                }
            }
        }
    }

    @Test
    void unevenSplitsAreBalancedAndMayLeaveARankEmpty() {
        ShardPlan p = ShardPlan.of(record(3), 3);
        assertEquals(List.of(new ShardRange(0, 14), new ShardRange(14, 27), new ShardRange(27, 40)),
                p.param("attn").partition().ranges());
        assertFalse(p.param("attn").partition().even());
        assertEquals(List.of(new ShardRange(0, 1), new ShardRange(1, 2), new ShardRange(2, 3), new ShardRange(3, 4),
                new ShardRange(4, 5), new ShardRange(5, 6), new ShardRange(6, 6), new ShardRange(6, 6)), ShardPlan.split(6, 8));
        for (int r = 0; r < 3; r++) {
            assertEquals(dev.baton.runtime.optim.ShardSlice.even(40, 3, r), p.slice("attn", r), "the optimizer's own split");
        }
    }

    @Test
    void aBankWithMorePaddingThanNeededIsAcceptedWhenItStillSplits() {
        List<ParamLayout> l = new ArrayList<>(record(8)); // 12 MLP layers, as the record allocates
        ShardPlan p = ShardPlan.of(l, 2);
        assertEquals(new ShardRange(12, 24), p.owned("mlp", 1));
    }

    @Test
    void aBankThatCannotSplitEvenlyIsRefusedWithTheAllocationToUse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardPlan.of(record(8), 5));
        assertTrue(e.getMessage().contains("bank 'mlp' has 24 matrices") && e.getMessage().contains("30 matrices")
                && e.getMessage().contains("15 units of 2"), e.getMessage());
    }

    @Test
    void badLayoutsAreRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> new ParamLayout.Bank("b", Shape.of(5, 7), 3, 3, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ParamLayout.Bank("b", Shape.of(2, 3, 3), 3, 3, 3, 0));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> ShardPlan.of(
                List.of(new ParamLayout.Rows("x", Shape.of(4)), new ParamLayout.Replicated("x", Shape.of(4))), 2));
        assertTrue(dup.getMessage().contains("'x' appears twice"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ShardPlan.of(record(2), 2).param("nope"));
        assertTrue(unknown.getMessage().contains("no parameter 'nope'"));
    }
}
