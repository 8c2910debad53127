package dev.baton.actors.training;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The MLP bank's one padding rule and the plans it gives at every W. */
class GptWorkFactoryTest {
    @Test
    void theMlpBankKeepsTheConfigurationsTwelveEntriesWhereTheySplitAndPadsOnlyOtherwise() {
        GptConfig record = GptConfig.recordSmall();
        int[] expected = {12, 12, 12, 12, 15, 12, 14, 12, 18, 15, 22, 12, 13, 14, 15, 16};
        for (int w = 1; w <= expected.length; w++) {
            assertEquals(expected[w - 1], MlpBankPadding.layers(record, w), "W=" + w);
            assertEquals(0, 2 * MlpBankPadding.layers(record, w) % w, "splits evenly at W=" + w);
        }
    }

    @Test
    void everyWorldSizeGetsAPlanTheShardPlanAccepts() {
        GptWorkFactory f = GptFixture.factory();
        for (int w = 1; w <= 8; w++) {
            List<ParamLayout> layouts = f.layouts(w);
            ShardPlan plan = ShardPlan.of(layouts, w);
            ParamLayout.Bank mlp = (ParamLayout.Bank) plan.param("mlp").layout();
            assertEquals(Shape.of(MlpBankPadding.layers(GptFixture.MODEL, w), 2, 256, 64), mlp.shape(), "W=" + w);
            assertEquals(22, mlp.usedUnits(), "11 layers of 2 matrices are used at W=" + w);
            assertEquals(mlp.units() / w, plan.owned("mlp", w - 1).count(), "even split at W=" + w);
            assertEquals(40, plan.param("attn").layout().units(), "attention: 4 matrices of each of 10 layers");
        }
    }

    @Test
    void theLongestMicroBatchIsTheLargestStepOrValidationBatchOverTheSlices() {
        ScheduleConfig s = ScheduleConfig.recordSmall();
        assertEquals(32, GptWorkFactory.microBatchTokens(s, 128, 8));
        assertEquals(64, GptWorkFactory.microBatchTokens(s, 512, 8));
        assertEquals(262144, GptWorkFactory.microBatchTokens(ScheduleConfig.record(), 2097152, 8), "the record: validation");
    }
}
