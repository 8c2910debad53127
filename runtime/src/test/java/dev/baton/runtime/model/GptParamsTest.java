package dev.baton.runtime.model;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
