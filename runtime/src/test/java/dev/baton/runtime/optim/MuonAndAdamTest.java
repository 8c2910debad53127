package dev.baton.runtime.optim;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The golf baseline's optimizer split: torch Adam per group lr, Muon momentum warm-up, state round trip. */
class MuonAndAdamTest {
    private static Param param(CpuOps ops, String name, Shape shape, float[] values) {
        return new Param(name, ops.upload(values, shape, DType.F32), ops.allocate(shape, DType.F32));
    }

    @Test
    void momentumWarmsUpLinearlyOverTheBaselinesSteps() {
        MuonAndAdamConfig c = MuonAndAdamConfig.baseline();
        assertEquals(0.85, c.momentumAt(0), 1e-12);
        assertEquals(0.90, c.momentumAt(250), 1e-12);
        assertEquals(0.95, c.momentumAt(500), 1e-12);
        assertEquals(0.95, c.momentumAt(5000), 1e-12);
    }

    @Test
    void adamGroupsFollowTorchAdamWithTheirOwnLearningRates() {
        Random r = new Random(8);
        float[] emb0 = TinyParams.gaussian(r, 12, 1f);
        float[] sc0 = TinyParams.gaussian(r, 4, 1f);
        MuonAndAdamConfig config = MuonAndAdamConfig.baseline();
        try (CpuOps ops = new CpuOps(2); CpuOptimizerKernels k = new CpuOptimizerKernels(2); ParamSet set = new ParamSet()) {
            set.add(param(ops, "emb", Shape.of(3, 4), emb0));
            set.add(param(ops, "scale", Shape.of(4), sc0));
            set.add(param(ops, "w", Shape.of(4, 4), TinyParams.gaussian(r, 16, 1f)));
            Map<String, MuonAndAdam.Group> groups = new LinkedHashMap<>();
            groups.put("emb", MuonAndAdam.Group.EMBED);
            groups.put("scale", MuonAndAdam.Group.SCALAR);
            groups.put("w", MuonAndAdam.Group.MATRIX);
            double[][] want = {toDouble(emb0), toDouble(sc0)};
            double[][] m = {new double[12], new double[4]};
            double[][] v = {new double[12], new double[4]};
            double[] lrs = {config.embedLr(), config.scalarLr()};
            String[] names = {"emb", "scale"};
            try (MuonAndAdam opt = new MuonAndAdam(set, groups, ops, k, config)) {
                for (int step = 0; step < 4; step++) {
                    double lrScale = 1.0 - 0.2 * step;
                    for (int gi = 0; gi < 2; gi++) {
                        float[] g = TinyParams.gaussian(r, want[gi].length, 1f);
                        ops.write(set.get(names[gi]).grad(), g);
                        // torch.optim.Adam: lerp/addcmul moments, step_size = lr / bc1, denom = sqrt(v)/sqrt(bc2) + eps
                        int t = step + 1;
                        double lr = lrs[gi] * lrScale;
                        for (int i = 0; i < g.length; i++) {
                            m[gi][i] = 0.9 * m[gi][i] + 0.1 * g[i];
                            v[gi][i] = 0.95 * v[gi][i] + 0.05 * g[i] * g[i];
                            double denom = Math.sqrt(v[gi][i]) / Math.sqrt(1 - Math.pow(0.95, t)) + 1e-8;
                            want[gi][i] -= lr / (1 - Math.pow(0.9, t)) * m[gi][i] / denom;
                        }
                    }
                    ops.write(set.get("w").grad(), TinyParams.gaussian(r, 16, 1f));
                    opt.step(step, lrScale);
                    for (int gi = 0; gi < 2; gi++) {
                        float[] got = ops.download(set.get(names[gi]).value());
                        for (int i = 0; i < got.length; i++) {
                            assertEquals(want[gi][i], got[i], 2e-6, names[gi] + "[" + i + "] step " + step);
                        }
                        float[] grad = ops.download(set.get(names[gi]).grad());
                        for (float x : grad) {
                            assertEquals(0f, x, "gradients are cleared after the step");
                        }
                    }
                }
                assertEquals(MuonAndAdam.Group.MATRIX, opt.group("w"));
                // the state round trip restores every moment and step count
                Map<String, StateTensor> state = opt.exportState();
                assertEquals(4, state.get("optim.emb.step").ints()[0]);
                assertTrue(state.containsKey("optim.w.momentum"));
                try (MuonAndAdam fresh = new MuonAndAdam(set, groups, ops, k, config)) {
                    fresh.importState(state);
                    Map<String, StateTensor> again = fresh.exportState();
                    for (String key : state.keySet()) {
                        StateTensor a = state.get(key);
                        StateTensor b = again.get(key);
                        if (a.dtype() == DType.I32) {
                            assertEquals(a.ints()[0], b.ints()[0], key);
                        } else {
                            for (int i = 0; i < a.floats().length; i++) {
                                assertEquals(a.floats()[i], b.floats()[i], key);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyParameterNeedsAGroupAndMuonNeedsMatrices() {
        try (CpuOps ops = new CpuOps(1); CpuOptimizerKernels k = new CpuOptimizerKernels(1); ParamSet set = new ParamSet()) {
            set.add(param(ops, "a", Shape.of(4), new float[4]));
            set.add(param(ops, "b", Shape.of(2, 2), new float[4]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new MuonAndAdam(set, Map.of("a", MuonAndAdam.Group.MATRIX), ops, k,
                            MuonAndAdamConfig.baseline()));
            assertTrue(e.getMessage().contains("b has no optimizer group"), e.getMessage());
            assertTrue(e.getMessage().contains("a (4) is not a matrix"), e.getMessage());
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
