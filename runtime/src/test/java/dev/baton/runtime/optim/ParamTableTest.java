package dev.baton.runtime.optim;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record's param table (SPEC-NOTES 3.2) and the table's validation messages. */
class ParamTableTest {

    @Test
    void recordTableHasTheRecordsMultipliersOrdersAndViews() {
        ParamTable t = ParamTable.record();
        assertEquals(List.of("attn", "mlp", "scalars", "ve0", "ve1", "ve2", "smear_gate", "skip_gate", "attn_gate_bank",
                "ve_gate_bank", "x0_lambdas", "lm_head", "embed"), t.scatterOrder());
        assertEquals(List.of("scalars", "smear_gate", "skip_gate", "attn_gate_bank", "ve_gate_bank", "x0_lambdas",
                "ve0", "ve1", "ve2", "lm_head", "embed", "attn", "mlp"), t.workOrder());
        assertEquals(Optional.of(new EmbeddingTie("lm_head", "embed")), t.tie());

        ParamEntry ve1 = t.entry("ve1");
        assertEquals("value_embeds.1", ve1.param());
        assertEquals(OptimizerKind.ADAM, ve1.optimizer());
        assertEquals(Comms.SHARDED, ve1.comms());
        assertEquals(0.75, ve1.beta1());
        assertEquals(0.95, ve1.beta2());
        assertEquals(75.0, ve1.lrMul());
        assertEquals(5.0, ve1.wdMul());
        assertEquals(0.01, t.entry("smear_gate").lrMul());
        assertEquals(0.05, t.entry("skip_gate").lrMul());
        assertEquals(0.65, t.entry("x0_lambdas").beta1());
        assertEquals(150.0, t.entry("embed").wdMul());
        assertEquals(Comms.REPLICATED, t.entry("attn_gate_bank").comms());

        // the record's banks: attn (10, 3072, 768) as 40 × (768, 768); mlp (12, 2, 3072, 768) as 24 × (3072, 768)
        ParamEntry attn = t.entry("attn");
        MatrixView av = attn.matrixView(Shape.of(10, 3072, 768));
        assertEquals(new MatrixView(40, 768, 768), av);
        assertEquals(1.0, attn.matrixLrMultiplier(av, 7));
        ParamEntry mlp = t.entry("mlp");
        MatrixView mv = mlp.matrixView(Shape.of(12, 2, 3072, 768));
        assertEquals(new MatrixView(24, 3072, 768), mv);
        assertEquals(2.0, mlp.matrixLrMultiplier(mv, 4), "c_fc: shape multiplier sqrt(3072/768)");
        assertEquals(4.0, mlp.matrixLrMultiplier(mv, 5), "c_proj: ×2 more");
        assertTrue(mv.statsPerRow() && av.statsPerRow());
        assertEquals(Shape.of(3, 3072, 1), mv.secondMomentShape(3));
        assertEquals(24, mlp.shardUnits(Shape.of(12, 2, 3072, 768)));
        assertEquals(768, t.entry("lm_head").shardUnits(Shape.of(768, 50304)));
    }

    @Test
    void evenShardsOfTheRecordOnEightRanks() {
        ParamTable t = ParamTable.record();
        ShardAssignment rank3 = ShardAssignment.even(8, 3);
        assertEquals(new ShardSlice(15, 5, 40), rank3.slice(t.entry("attn"), Shape.of(10, 3072, 768)));
        assertEquals(new ShardSlice(9, 3, 24), rank3.slice(t.entry("mlp"), Shape.of(12, 2, 3072, 768)));
        assertEquals(new ShardSlice(3 * 6288, 6288, 50304), rank3.slice(t.entry("embed"), Shape.of(50304, 768)));
        assertEquals(new ShardSlice(288, 96, 768), rank3.slice(t.entry("lm_head"), Shape.of(768, 50304)));
        assertEquals(ShardSlice.whole(40), rank3.slice(t.entry("scalars"), Shape.of(40)));
        assertEquals(new ShardSlice(6, 2, 10), ShardSlice.even(10, 4, 2), "ranks 0 and 1 take the two extra units");
    }

    @Test
    void validationNamesTheProblem() {
        ParamTable rec = ParamTable.record();
        List<ParamEntry> entries = rec.inScatterOrder();
        List<String> work = new ArrayList<>(rec.workOrder());
        work.remove("ve2");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new ParamTable(entries, rec.scatterOrder(), work, rec.tie()));
        assertTrue(missing.getMessage().contains("work-order is missing [ve2]"), missing.getMessage());

        List<String> scatter = new ArrayList<>(rec.scatterOrder());
        scatter.set(0, "atn");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new ParamTable(entries, scatter, rec.workOrder(), rec.tie()));
        assertTrue(unknown.getMessage().contains("unknown label atn"), unknown.getMessage());

        IllegalArgumentException lookup = assertThrows(IllegalArgumentException.class, () -> rec.entry("head"));
        assertTrue(lookup.getMessage().contains("no label head"), lookup.getMessage());

        try (CpuOps ops = new CpuOps(1)) {
            ParamSet set = TinyParams.create(ops, 1);
            rec.validateAgainst(set);
            set.add(new Param("bigram_embed", ops.allocate(Shape.of(4, 2), DType.F32), ops.allocate(Shape.of(4, 2), DType.F32)));
            IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> rec.validateAgainst(set));
            assertTrue(extra.getMessage().contains("parameter bigram_embed has no param table entry"), extra.getMessage());
        }
        IllegalArgumentException betas = assertThrows(IllegalArgumentException.class,
                () -> ParamEntry.adam("x", "x", Comms.REPLICATED, 1.0, 0.9, 1, 1));
        assertTrue(betas.getMessage().contains("betas"), betas.getMessage());
        IllegalArgumentException split = assertThrows(IllegalArgumentException.class,
                () -> MatrixView.of(Shape.of(10, 30, 8), 4));
        assertTrue(split.getMessage().contains("cannot split"), split.getMessage());
    }
}
