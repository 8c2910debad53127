package dev.baton.runtime.model;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GptParamsTest {
    @Test
    void recordNamesAndShapes() {
        Map<String, Shape> s = GptParams.shapes(GptConfig.record());
        assertEquals(List.of("smear_gate", "skip_gate", "value_embeds.0", "value_embeds.1", "value_embeds.2",
                "attn_gate_bank", "ve_gate_bank", "attn_bank", "mlp_bank", "lm_head", "embed", "x0_lambdas", "scalars"),
                List.copyOf(s.keySet()));
        assertEquals(Shape.of(10, 3072, 768), s.get("attn_bank"));
        assertEquals(Shape.of(12, 2, 3072, 768), s.get("mlp_bank"));
        assertEquals(Shape.of(768, 50304), s.get("lm_head"));
        assertEquals(Shape.of(50304, 768), s.get("embed"));
        assertEquals(Shape.of(10, 6, 12), s.get("attn_gate_bank"));
        assertEquals(Shape.of(5, 6, 12), s.get("ve_gate_bank"));
        assertEquals(Shape.of(1, 12), s.get("smear_gate"));
        assertEquals(Shape.of(40), s.get("scalars"));
        assertEquals(Shape.of(11), s.get("x0_lambdas"));
    }

    @Test
    void initialisationFollowsTheRecord() {
        GptConfig c = GptConfig.recordSmall();
        int d = c.modelDim();
        int v = c.vocabSize();
        try (CpuOps ops = new CpuOps(2); ParamSet p = GptParams.create(ops, c, 1234)) {
            float[] attn = ops.download(p.get("attn_bank").value());
            double bound = Math.sqrt(3) / Math.sqrt(d);
            long key = new PortableInit(1234).key("attn_bank");
            for (int layer = 0; layer < 10; layer++) {
                int base = layer * 4 * d * d;
                assertEquals(PortableInit.uniform(key, base + 5, bound), attn[base + 5]);
                for (int i = 3 * d * d; i < 4 * d * d; i++) {
                    assertEquals(0f, attn[base + i], "O rows are zero");
                }
            }
            float max = 0;
            for (float a : attn) {
                max = Math.max(max, Math.abs(a));
            }
            assertTrue(max <= bound && max > 0.95 * bound);
            float[] mlp = ops.download(p.get("mlp_bank").value());
            int m = c.mlpHidden() * d;
            for (int layer = 0; layer < 12; layer++) {
                assertTrue(mlp[2 * layer * m] != 0f, "c_fc of every entry (the padding one too) is drawn");
                for (int i = 0; i < m; i += 97) {
                    assertEquals(0f, mlp[(2 * layer + 1) * m + i], "c_proj is zero");
                }
            }
            float[] head = ops.download(p.get("lm_head").value());
            float[] embed = ops.download(p.get("embed").value());
            for (int i = 0; i < d; i += 7) {
                for (int j = 0; j < v; j += 1013) {
                    assertEquals(head[i * v + j], embed[j * d + i], "embed = lm_headᵀ");
                }
            }
            double sq = 0;
            for (float h : head) {
                sq += h * h;
            }
            assertEquals(0.005, Math.sqrt(sq / head.length), 0.0002);
            for (String zero : List.of("value_embeds.0", "attn_gate_bank", "ve_gate_bank", "smear_gate", "skip_gate",
                    "x0_lambdas")) {
                for (float x : ops.download(p.get(zero).value())) {
                    assertEquals(0f, x, zero);
                }
            }
            assertEquals(-1.5f, ops.download(p.get("scalars").value())[35]);
            for (Param q : p.all()) {
                for (float g : ops.download(q.grad())) {
                    assertEquals(0f, g);
                }
            }
        }
    }

    @Test
    void aWiderMlpBankStartsWithTheSameEntriesAndComputesTheSameLoss() {
        GptConfig c = GptConfig.standard(128, LayerLayout.micro(), 16, 2, 8).withBlockSize(4);
        assertEquals(4, c.mlpBankLayers());
        Batch batch = new Batch(new int[] {5, 9, 3, 7, 1, 2, 8, 4}, new int[] {9, 3, 7, 1, 2, 8, 4, 6}, new int[] {0, 8});
        ForwardSchedule schedule = new ForwardSchedule(new float[] {1f, 0.5f}, 1, 2);
        try (CpuOps ops = new CpuOps(1); ParamSet plain = GptParams.create(ops, c, 7);
             ParamSet wide = GptParams.create(ops, c, 6, 7);
             Gpt a = new Gpt(ops, c, plain, 8); Gpt b = new Gpt(ops, c, wide, 8)) {
            assertEquals(Shape.of(6, 2, 64, 16), wide.get("mlp_bank").value().shape());
            float[] p = ops.download(plain.get("mlp_bank").value());
            float[] w = ops.download(wide.get("mlp_bank").value());
            assertArrayEquals(p, java.util.Arrays.copyOf(w, p.length), "the configuration's entries are drawn alike");
            assertEquals(ops.download(a.forward(batch, schedule))[0], ops.download(b.forward(batch, schedule))[0]);
            a.backward(1f);
            b.backward(1f);
            float[] gp = ops.download(plain.get("mlp_bank").grad());
            float[] gw = ops.download(wide.get("mlp_bank").grad());
            assertArrayEquals(gp, java.util.Arrays.copyOf(gw, gp.length));
            for (int i = gp.length; i < gw.length; i++) {
                assertEquals(0f, gw[i], "padding entries get no gradient");
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GptParams.shapes(c, 3));
        assertTrue(e.getMessage().contains("at least 4 entries"), e.getMessage());
    }
}
