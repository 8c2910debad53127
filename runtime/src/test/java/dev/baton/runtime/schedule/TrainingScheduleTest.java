package dev.baton.runtime.schedule;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expected values were computed by running the record's get_lr / get_ws / get_bs /
 * get_muon_momentum / _build_mtp_schedule / split_step formulas (train_gpt.py, PR #200) with
 * python3 on this machine and printing repr() of each double; MTP weights as float32.
 */
class TrainingScheduleTest {
    private final TrainingSchedule record = new TrainingSchedule(ScheduleConfig.record());
    private final TrainingSchedule small = new TrainingSchedule(ScheduleConfig.recordSmall());

    @Test
    void lrFactorAtTheRecordsEdgeSteps() {
        // 575/1725 == 1/3 exactly in double, so 575 keeps lr 1.0; 1150/1725 == 2/3, so 1150 stays on the 1.52 line
        assertEquals(1.0, record.lrFactor(0));
        assertEquals(1.0, record.lrFactor(575));
        assertEquals(1.52, record.lrFactor(576));
        assertEquals(1.52, record.lrFactor(862));
        assertEquals(1.5191768115942028, record.lrFactor(863));
        assertEquals(1.0466666666666669, record.lrFactor(1150));
        assertEquals(1.184776811594203, record.lrFactor(1151));
        assertEquals(0.1, record.lrFactor(1725));
        assertEquals(0.1, record.lrFactor(1726));
        assertEquals(0.1, record.lrFactor(1764));
    }

    @Test
    void windowsAtTheRecordsEdgeSteps() {
        assertWindows(1, 3, record.windows(0));
        assertWindows(1, 3, record.windows(574));
        assertWindows(3, 7, record.windows(575));
        assertWindows(3, 7, record.windows(1149));
        assertWindows(5, 11, record.windows(1150));
        assertWindows(5, 11, record.windows(1724));
        assertWindows(6, 13, record.windows(1725));
        assertWindows(6, 13, record.windows(1764));
        assertEquals(384, record.windows(0).longTokens());
        assertEquals(1664, record.windows(1725).longTokens());
        AttentionWindows fin = record.finalValidationWindows();
        assertEquals(6, fin.shortBlocks());
        assertEquals(20, fin.longBlocks());
        assertEquals(2560, fin.longTokens());
    }

    @Test
    void yarnTransitionsOfTheRecord() {
        assertEquals(Optional.empty(), record.yarnTransition(0));
        assertEquals(Optional.empty(), record.yarnTransition(574));
        assertEquals(Optional.of(new YarnTransition(3, 7)), record.yarnTransition(575));
        assertEquals(Optional.of(new YarnTransition(7, 11)), record.yarnTransition(1150));
        assertEquals(Optional.of(new YarnTransition(11, 13)), record.yarnTransition(1725));
        assertEquals(Optional.empty(), record.yarnTransition(1726));
        assertEquals(List.of(new YarnTransition(3, 7), new YarnTransition(7, 11)), record.yarnTransitionsThrough(1724));
    }

    @Test
    void momentumAtTheRecordsEdgeSteps() {
        assertEquals(0.85, record.momentum(0));
        assertEquals(0.8999999999999999, record.momentum(150));
        assertEquals(0.95, record.momentum(300));
        assertEquals(0.95, record.momentum(1715));
        assertEquals(0.948, record.momentum(1716));
        assertEquals(0.8999999999999999, record.momentum(1740));
        assertEquals(0.852, record.momentum(1764));
    }

    @Test
    void batchTokensOfTheRecord() {
        assertEquals(131072, record.batchTokens(0));
        assertEquals(131072, record.batchTokens(574));
        assertEquals(262144, record.batchTokens(575));
        assertEquals(262144, record.batchTokens(1149));
        assertEquals(393216, record.batchTokens(1150));
        assertEquals(393216, record.batchTokens(1725));
    }

    @Test
    void mtpWeightsOfTheRecord() {
        assertArrayEquals(new float[] {1f, 0.5f, 0.25f}, record.mtpWeights(0));
        assertArrayEquals(new float[] {1f, 0.5f, 0.00043478261795826256f}, record.mtpWeights(574));
        assertArrayEquals(new float[] {1f, 0.5f}, record.mtpWeights(575));
        assertArrayEquals(new float[] {1f, 0.4991304278373718f}, record.mtpWeights(576));
        assertArrayEquals(new float[] {1f, 0.0008695652359165251f}, record.mtpWeights(1149));
        assertArrayEquals(new float[] {1f}, record.mtpWeights(1150));
        assertArrayEquals(new float[] {1f}, record.mtpWeights(1151));
    }

    @Test
    void splitStepAndAdamCadence() {
        assertEquals(1151, record.splitStep());
        assertEquals(1765, record.numIterations());
        assertFalse(record.isAdamStep(0));
        assertTrue(record.isAdamStep(1));
        assertTrue(record.isAdamStep(1151));
        assertFalse(record.isAdamStep(1764));
    }

    @Test
    void recordSmallMatchesGoldenMd() {
        double[] lr = {1.0, 1.0, 1.0, 1.52, 1.0466666666666669, 0.6433333333333332, 0.1, 0.1};
        double[] mom = {0.85, 0.875, 0.8999999999999999, 0.9249999999999999, 0.95, 0.95, 0.95, 0.8999999999999999};
        int[] bs = {128, 128, 192, 192, 256, 256, 256, 256};
        int[] longWs = {3, 3, 7, 7, 11, 11, 13, 13};
        float[][] mtp = {{1f, 0.5f, 0.25f}, {1f, 0.5f, 0.125f}, {1f, 0.5f}, {1f, 0.25f}, {1f}, {1f}, {1f}, {1f}};
        for (int s = 0; s < 8; s++) {
            assertEquals(lr[s], small.lrFactor(s), "lr at " + s);
            assertEquals(mom[s], small.momentum(s), "momentum at " + s);
            assertEquals(bs[s], small.batchTokens(s), "batch at " + s);
            assertEquals(longWs[s], small.windows(s).longBlocks(), "window at " + s);
            assertEquals(longWs[s] / 2, small.windows(s).shortBlocks(), "short window at " + s);
            assertArrayEquals(mtp[s], small.mtpWeights(s), "mtp at " + s);
        }
        assertEquals(16 * 7, small.windows(2).longTokens());
        assertEquals(5, small.splitStep());
        assertEquals(8, small.numIterations());
        assertEquals(List.of(new YarnTransition(3, 7), new YarnTransition(7, 11), new YarnTransition(11, 13)),
                small.yarnTransitionsThrough(7));
        assertEquals(Optional.of(new YarnTransition(7, 11)), small.yarnTransition(4));
    }

    @Test
    void nextTokenRuleAndBadConfigs() {
        ScheduleConfig c = ScheduleConfig.recordSmall();
        ScheduleConfig nextToken = new ScheduleConfig(c.scheduledIterations(), c.extensionIterations(), c.cooldownFrac(),
                c.lrMaxSteps(), c.extensionLr(), c.batchTokens(), c.extensionBatchTokens(), c.windowBlocks(),
                c.finalWindowBlocks(), c.validationWindowBlocks(), c.blockSize(), c.splitFrac(),
                c.momentumWarmupSteps(), c.momentumCooldownSteps(), c.momentumMin(), c.momentumMax(),
                MtpRule.NEXT_TOKEN, 1);
        TrainingSchedule s = new TrainingSchedule(nextToken);
        assertArrayEquals(new float[] {1f}, s.mtpWeights(0));
        assertTrue(s.isAdamStep(0));
        assertThrows(IllegalArgumentException.class, () -> small.lrFactor(9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ScheduleConfig(0, 2, 0.5,
                c.lrMaxSteps(), 0.1, c.batchTokens(), 256, c.windowBlocks(), 13, 20, 16, 2.0 / 3, 4, 2, 0.85, 0.95,
                MtpRule.RECORD, 2));
        assertTrue(e.getMessage().contains("scheduled-iterations"), e.getMessage());
    }

    private static void assertWindows(int shortBlocks, int longBlocks, AttentionWindows w) {
        assertEquals(shortBlocks, w.shortBlocks());
        assertEquals(longBlocks, w.longBlocks());
    }
}
