package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.MuonAndAdam.Group;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Names, shapes, counts, initial values and optimizer groups of the seed 002/004 parameters. */
class GolfSeedTwoParamsTest {
    private static final GolfConfig BASE = GolfConfig.baseline();

    @Test
    void seedTwoInputStageAddsItsTensorsAtBaselineSize() {
        GolfConfig c = BASE.withInput(new GolfInputConfig(4096, 128, true, 768)).withXsa(4);
        Map<String, Shape> s = GolfParams.shapes(c);
        assertEquals(Shape.of(4096, 128), s.get("bigram.embed.weight"));
        assertEquals(Shape.of(512, 128), s.get("bigram.proj.weight"));
        assertEquals(Shape.of(1), s.get("bigram.scale"));
        assertEquals(Shape.of(512), s.get("smear.gate"));
        assertEquals(Shape.of(768, 512), s.get("pre_enrich.fc.weight"));
        assertEquals(Shape.of(512, 768), s.get("pre_enrich.proj.weight"));
        // 17,059,912 + 524,288 + 65,536 + 1 + 512 + 2 x 393,216; XSA adds nothing
        assertEquals(17_059_912L + 524_288 + 65_536 + 1 + 512 + 786_432, GolfParams.count(c));
        assertEquals(17_059_912L, GolfParams.count(BASE.withXsa(9)));
        Map<String, Group> g = GolfParams.groups(c);
        assertEquals(Group.EMBED, g.get("bigram.embed.weight"));
        assertEquals(Group.MATRIX, g.get("bigram.proj.weight"));
        assertEquals(Group.SCALAR, g.get("bigram.scale"));
        assertEquals(Group.SCALAR, g.get("smear.gate"));
        assertEquals(Group.MATRIX, g.get("pre_enrich.fc.weight"));
        assertEquals(Group.MATRIX, g.get("pre_enrich.proj.weight"));
        assertEquals(Group.MATRIX, g.get("blocks.0.attn.c_q.weight"));
    }

    @Test
    void universalTransformerHasOneSharedBlockAndNormsPerDepth() {
        GolfConfig c = BASE.withUniversal(new UniversalConfig(DepthSchedule.parse("0:2,2000:6"), 1.0));
        Map<String, Shape> s = GolfParams.shapes(c);
        assertFalse(s.containsKey(GolfParams.SKIP_WEIGHTS));
        assertFalse(s.keySet().stream().anyMatch(n -> n.startsWith("blocks.")));
        assertEquals(Shape.of(1024, 1024), s.get("shared.mlp.mid.weight"));
        assertEquals(Shape.of(256, 512), s.get("shared.1.attn.c_v.weight"));
        assertEquals(Shape.of(512), s.get("depth_norms.5.mlp.bias"));
        assertFalse(s.containsKey("depth_norms.6.mlp.bias"));
        long attention = 512 + 8 + 2L * 512 * 512 + 2L * 256 * 512;
        long mlp = 512 + 1024L * 512 + 1024L * 1024 + 512L * 1024;
        long norms = 6L * 3 * 2 * 512;
        assertEquals(1024L * 512 + 2 * attention + mlp + norms, GolfParams.count(c));
        assertEquals(4_214_288L, GolfParams.count(c));
        Map<String, Group> g = GolfParams.groups(c);
        assertEquals(Group.MATRIX, g.get("shared.mlp.mid.weight"));
        assertEquals(Group.MATRIX, g.get("shared.0.attn.proj.weight"));
        assertEquals(Group.SCALAR, g.get("shared.0.attn.q_gain"));
        assertEquals(Group.SCALAR, g.get("depth_norms.3.attn1.weight"));
        assertEquals(Group.EMBED, g.get(GolfParams.TOK_EMB));
    }

    @Test
    void initialValuesStartTheTechniquesAsTheSeedsDo() {
        GolfConfig c = GolfConfig.of(64, 2, 16, 4, 2, 2).withInput(new GolfInputConfig(32, 8, true, 24))
                .withUniversal(new UniversalConfig(DepthSchedule.parse("0:2"), 0));
        try (CpuOps ops = new CpuOps(1); ParamSet p = GolfParams.create(ops, c, 1)) {
            assertArrayEquals(new float[32 * 8], ops.download(p.get("bigram.embed.weight").value()));
            assertArrayEquals(new float[] {0.05f}, ops.download(p.get("bigram.scale").value()));
            assertArrayEquals(new float[16], ops.download(p.get("smear.gate").value()));
            assertArrayEquals(new float[16 * 32], ops.download(p.get("shared.mlp.proj.weight").value()));
            float[] ones = new float[16];
            java.util.Arrays.fill(ones, 1f);
            assertArrayEquals(ones, ops.download(p.get("depth_norms.1.attn0.weight").value()));
            assertArrayEquals(new float[16], ops.download(p.get("depth_norms.1.attn0.bias").value()));
            float[] mid = ops.download(p.get("shared.mlp.mid.weight").value());
            double bound = 1 / Math.sqrt(32);
            double max = 0;
            for (float v : mid) {
                max = Math.max(max, Math.abs(v));
            }
            // Linear default uniform(±1/√fan_in), not zero
            assertEquals(bound, max, 0.05 * bound);
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BASE.withXsa(10));
        assertThrows(IllegalArgumentException.class, () -> BASE.withXsa(-1));
        assertThrows(IllegalArgumentException.class, () -> new GolfInputConfig(1, 128, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new UniversalConfig(DepthSchedule.parse("0:2"), -0.5));
    }
}
