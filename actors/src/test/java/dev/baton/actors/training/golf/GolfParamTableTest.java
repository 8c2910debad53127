package dev.baton.actors.training.golf;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.MuonAndAdamConfig;
import dev.baton.runtime.optim.ParamTable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The baseline's param table and shard plan for the actors: banks by shape, whole matrices per rank. */
class GolfParamTableTest {
    private static final GolfConfig BASELINE = GolfConfig.baseline();

    @Test
    void baselineMatricesFormFourBanksAndEveryWeightIsCoveredOnce() {
        List<GolfMatrixBanks.Bank> banks = GolfMatrixBanks.of(BASELINE);
        assertEquals(List.of("muon_512x512", "muon_256x512", "muon_1024x512", "muon_512x1024"),
                banks.stream().map(GolfMatrixBanks.Bank::label).toList());
        assertEquals(List.of(18, 18, 9, 9), banks.stream().map(b -> b.names().size()).toList());
        assertEquals(List.of("blocks.0.attn.c_q.weight", "blocks.0.attn.proj.weight", "blocks.1.attn.c_q.weight"),
                banks.get(0).names().subList(0, 3));
        // 2 + 4 per block: skip_weights, tok_emb, attn_scale, mlp_scale, resid_mix, q_gain
        assertEquals(2 + 4 * 9, GolfMatrixBanks.adamParams(BASELINE).size());
        long covered = GolfParamTable.layouts(BASELINE).stream().mapToLong(l -> l.shape().numel()).sum();
        assertEquals(GolfParams.count(BASELINE), covered);
        assertEquals(17_059_912L, covered);
    }

    @Test
    void banksAreShardedByWholeMatricesAndAdamParametersReplicated() {
        ParamTable table = GolfParamTable.of(BASELINE, MuonAndAdamConfig.baseline());
        ShardPlan plan = ShardPlan.of(GolfParamTable.layouts(BASELINE), 8);
        // 18 matrices over 8 ranks: 3, 3, 2, 2, 2, 2, 2, 2; 9 over 8: 2, 1, ..., 1
        assertEquals(new ShardRange(0, 3), plan.owned("muon_512x512", 0));
        assertEquals(new ShardRange(6, 8), plan.owned("muon_512x512", 2));
        assertEquals(new ShardRange(16, 18), plan.owned("muon_256x512", 7));
        assertEquals(new ShardRange(0, 2), plan.owned("muon_1024x512", 0));
        assertEquals(new ShardRange(8, 9), plan.owned("muon_512x1024", 7));
        assertTrue(plan.param("muon_1024x512").layout() instanceof ParamLayout.Bank);
        assertFalse(plan.param(GolfParams.TOK_EMB).sharded());
        assertEquals(Comms.REPLICATED, table.entry(GolfParams.TOK_EMB).comms());
        assertEquals(Comms.SHARDED, table.entry("muon_512x1024").comms());
        assertTrue(table.tie().isEmpty());
        // banks launch first and update last
        assertEquals("muon_512x512", table.scatterOrder().get(0));
        assertEquals("muon_512x1024", table.workOrder().get(table.workOrder().size() - 1));
    }
}
