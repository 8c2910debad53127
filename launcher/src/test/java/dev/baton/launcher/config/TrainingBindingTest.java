package dev.baton.launcher.config;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.conf.Settings;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.schedule.MtpRule;
import dev.baton.runtime.schedule.ScheduleConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The speedrun profile binds to exactly the runtime's record factories, the profiles' run
 * settings follow the record's accumulation rule, and a wrong value ends in one line that names
 * its key.
 */
class TrainingBindingTest {
    private static Settings settings(String profile, String... sets) {
        return ConfigLoader.fromClasspath().load(new ConfigRequest(profile, null, Map.of(), List.of(sets))).settings();
    }

    @Test
    void theSpeedrunProfileIsTheRecord() {
        TrainingBinding b = TrainingBinding.bind(settings("speedrun-8xh100"));
        assertEquals(GptConfig.record(), b.training().model());
        assertEquals(ScheduleConfig.record(), b.training().schedule());
        assertEquals(AdamConfig.record(), b.training().adam());
        assertEquals(NorMuonConfig.record(), b.training().normuon());
        assertSameTable(ParamTable.record(), b.training().table());
        assertEquals(1234, b.training().seed());
        assertEquals(8, b.policy().world());
        assertEquals(1, b.policy().accumSteps(), "8 / 8 devices");
        assertEquals(10485760 / 2097152, b.policy().valSteps());
        assertEquals(2097152 / 8, b.maxSliceTokens(), "the validation slice is the longest");
    }

    @Test
    void oneGpuAccumulatesEightMicroSteps() {
        TrainingBinding b = TrainingBinding.bind(settings("speedrun-1gpu"));
        assertEquals(1, b.policy().world());
        assertEquals(8, b.policy().accumSteps());
        assertEquals(GptConfig.record(), b.training().model());
    }

    @Test
    void tinyCpuIsTheRecordsArchitectureOnBytes() {
        TrainingBinding b = TrainingBinding.bind(settings("tiny-cpu"));
        GptConfig m = b.training().model();
        assertEquals(384, m.vocabSize(), "byte260 padded to a multiple of 128");
        assertEquals(GptConfig.record().layout(), m.layout());
        assertEquals(MtpRule.RECORD, b.training().schedule().mtpRule());
        assertEquals(2, b.policy().world());
    }

    @Test
    void loaderOptionsFollowTheDataKeys() {
        LoaderOptions record = RunBinding.loader(settings("speedrun-8xh100"), 50256);
        assertEquals(LoaderOptions.record(2048, 50256), record);
        LoaderOptions tiny = RunBinding.loader(settings("tiny-cpu", "baton.data.shuffle=true", "baton.data.seed=9"), 1);
        assertEquals(1024, tiny.maxSeqLen());
        assertTrue(tiny.cycle(), "the demo corpus cycles");
        assertEquals(9, tiny.shuffleSeed().getAsLong());
    }

    @Test
    void labelsMapToParameterNamesExplicitly() {
        assertEquals("attn_bank", ParamLabels.param("attn").orElseThrow());
        assertEquals("mlp_bank", ParamLabels.param("mlp").orElseThrow());
        assertEquals("value_embeds.2", ParamLabels.param("ve2").orElseThrow());
        assertEquals("lm_head", ParamLabels.param("lm_head").orElseThrow());
        assertTrue(ParamLabels.param("attention").isEmpty());
        ParamTable t = TrainingBinding.bind(settings("tiny-cpu")).training().table();
        assertEquals("value_embeds.0", t.entry("ve0").param());
        assertEquals(4, t.entry("attn").rowSplit());
        assertEquals(List.of(1.0, 2.0), t.entry("mlp").matrixLrCycle());
    }

    @Test
    void valueEmbeddingLabelsFollowTheLayout() {
        TrainingBinding b = TrainingBinding.bind(settings("tiny-cpu", "baton.model.layout.value-embeddings=[1,0,-1,-1,-1,-1,-1,-1,0,1,0]"));
        assertFalse(b.training().table().scatterOrder().contains("ve2"), "a layout with two tables drops ve2");
        assertEquals(12, b.training().table().workOrder().size());
    }

    @Test
    void wrongValuesEndInOneLineNamingTheKey() {
        assertWrong("baton.model.model-dim", "must equal num-heads x head-dim = 5 x 16 = 80", "baton.model.num-heads=5");
        assertWrong("baton.model.num-heads", "must be even", "baton.model.num-heads=3", "baton.model.head-dim=20",
                "baton.model.model-dim=60");
        assertWrong("baton.model.layout.paired-head-layers", "layer 11 is outside 0..10",
                "baton.model.layout.paired-head-layers=[0,11]");
        assertWrong("baton.model.layout.value-embeddings", "one entry per layer", "baton.model.layout.value-embeddings=[0,1]");
        assertWrong("baton.model.lm-head-init-std", "0.005 only", "baton.model.lm-head-init-std=0.02");
        assertWrong("baton.optim.schedule.mtp-weights", "next token only", "baton.optim.schedule.mtp-weights=[[1.0,0.3]]");
        assertWrong("baton.optim.schedule.lr-max", "must be 1.0", "baton.optim.schedule.lr-max=[2.0,1.5]");
        assertWrong("baton.optim.param-table.scalars.adam-betas", "[beta1, beta2]",
                "baton.optim.param-table.scalars.adam-betas=[0.9]");
        assertWrong("baton.optim.param-table.embed.optim", "normuon updates matrix banks only",
                "baton.optim.param-table.embed.optim=normuon", "baton.optim.param-table.embed.adam-betas=[]");
        assertWrong("baton.optim.scatter-order", "is missing ['mlp']",
                "baton.optim.scatter-order=[attn,scalars,ve0,ve1,ve2,smear_gate,skip_gate,attn_gate_bank,ve_gate_bank,"
                        + "x0_lambdas,lm_head,embed]");
        assertWrong("baton.optim.work-order", "twice", "baton.optim.work-order=[attn,attn,scalars,ve0,ve1,ve2,smear_gate,"
                + "skip_gate,attn_gate_bank,ve_gate_bank,x0_lambdas,lm_head,embed]");
        assertWrong("baton.optim.schedule.batch-tokens", "2047 tokens do not split into 2 devices",
                "baton.optim.schedule.batch-tokens=[2047,4096]");
        assertWrong("baton.data.val-tokens", "multiple of val-batch-tokens", "baton.data.val-tokens=1000");
        assertWrong("baton.optim.adam", "lr and eps must be > 0", "baton.optim.adam.lr=0");
        assertWrong("baton.optim.normuon.momentum", "must be in (0, 1)", "baton.optim.normuon.momentum=1.5");
    }

    private static void assertWrong(String key, String fragment, String... sets) {
        BatonConfigException e = assertThrows(BatonConfigException.class, () -> TrainingBinding.bind(settings("tiny-cpu", sets)));
        assertTrue(e.getMessage().startsWith(key), "names " + key + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    private static void assertSameTable(ParamTable want, ParamTable got) {
        assertEquals(want.inScatterOrder(), got.inScatterOrder());
        assertEquals(want.scatterOrder(), got.scatterOrder());
        assertEquals(want.workOrder(), got.workOrder());
        assertEquals(want.tie(), got.tie());
    }
}
