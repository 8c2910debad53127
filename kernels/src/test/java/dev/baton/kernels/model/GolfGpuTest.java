package dev.baton.kernels.model;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.testing.Accuracy;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.optim.MuonAndAdamConfig;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golf model on the GPU against the fp32 CPU model, with the same (perturbed, so that every
 * path carries gradient) weights: the training loss, every parameter gradient, and the weights
 * after one Muon + Adam step. This covers every op of the golf path on CudaOps: GQA's head gather
 * and scatter-add, QK norm, the half-split rotary, q_gain, the scales, resid_mix, the U-net skips,
 * the tanh-softcapped cross-entropy, Newton–Schulz through cuBLASLt, Adam.
 *
 * <p>fp32 reference mode (head dim 16, the row-wise attention): losses 1e-5, gradients 1e-4
 * (relative L2), weights after the step 1e-3 of the change (Adam's first step is ±lr wherever |g| ≫ ε, so an element whose gradient is rounding noise could flip). bf16 mode (head dim 64, the tiled
 * attention; bf16 weights and activations): loss 2e-3, matrix and embedding gradients 5e-2,
 * control-tensor gradients (sums over every token) 2.5e-1.
 */
@GpuTest
class GolfGpuTest {
    private static final int SEQ = 64;
    private static final int TOKENS = 3 * SEQ;
    private static CudaOps gpu;
    private static CudaOps gpu32;
    private static CpuOps cpu;

    @BeforeAll
    static void open() {
        gpu = CudaOps.open(0);
        gpu32 = CudaOps.open(0, DType.F32);
        cpu = new CpuOps(2);
    }

    @AfterAll
    static void close() {
        gpu32.close();
        gpu.close();
        cpu.close();
    }

    /** CPU and GPU parameters with equal values (bf16-rounded where the GPU stores bf16). */
    private static void copyWeights(CudaOps g, ParamSet from, ParamSet to, long seed) {
        Random r = new Random(seed);
        for (Param p : from.all()) {
            float[] v = cpu.download(p.value());
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (r.nextGaussian() * 0.1);
            }
            if (to.get(p.name()).value().dtype() == DType.BF16) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Bf16.round(v[i]);
                }
            }
            cpu.write(p.value(), v);
            g.write(to.get(p.name()).value(), v);
        }
    }

    private static int[] tokens(long seed, int vocab) {
        Random r = new Random(seed);
        int[] t = new int[TOKENS];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }

    private static double lossAndGradients(Ops ops, GolfConfig c, ParamSet params, int[] in, int[] tg) {
        try (GolfGpt gpt = new GolfGpt(ops, c, params, SEQ, TOKENS)) {
            double loss = ops.download(gpt.forward(in, tg))[0];
            gpt.backward(1f);
            return loss;
        }
    }

    private static Map<String, Double> gradientErrors(CudaOps g, ParamSet c, ParamSet d) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Param p : c.all()) {
            out.put(p.name(), Accuracy.relativeL2(g.download(d.get(p.name()).grad()), cpu.download(p.grad())));
        }
        return out;
    }

    @Test
    void fp32ModeMatchesTheCpuModelAndItsOptimizerStep() {
        GolfConfig c = GolfConfig.of(64, 5, 64, 4, 2, 2);
        gpu32.device().makeCurrent();
        try (ParamSet cp = GolfParams.create(cpu, c, 7); ParamSet gp = GolfParams.allocate(gpu32, c);
             OptimizerKernels ck = new CpuOptimizerKernels(2); CudaOptimizerKernels gk = new CudaOptimizerKernels(gpu32)) {
            copyWeights(gpu32, cp, gp, 8);
            int[] in = tokens(9, 64);
            int[] tg = tokens(10, 64);
            double lc = lossAndGradients(cpu, c, cp, in, tg);
            double lg = lossAndGradients(gpu32, c, gp, in, tg);
            assertEquals(lc, lg, 1e-5 * Math.abs(lc), "loss");
            gradientErrors(gpu32, cp, gp).forEach((name, e) -> assertTrue(e < 1e-4, name + " gradient " + e));
            Map<String, float[]> before = new LinkedHashMap<>();
            cp.all().forEach(p -> before.put(p.name(), cpu.download(p.value())));
            try (MuonAndAdam oc = new MuonAndAdam(cp, GolfParams.groups(c), cpu, ck, MuonAndAdamConfig.baseline());
                 MuonAndAdam og = new MuonAndAdam(gp, GolfParams.groups(c), gpu32, gk, MuonAndAdamConfig.baseline())) {
                oc.step(0, 1.0);
                og.step(0, 1.0);
            }
            for (Param p : cp.all()) {
                float[] b = before.get(p.name());
                float[] vc = cpu.download(p.value());
                float[] vg = gpu32.download(gp.get(p.name()).value());
                float[] dc = new float[b.length];
                float[] dg = new float[b.length];
                for (int i = 0; i < b.length; i++) {
                    dc[i] = vc[i] - b[i];
                    dg[i] = vg[i] - b[i];
                }
                double e = Accuracy.relativeL2(dg, dc);
                assertTrue(e < 1e-3, p.name() + " step " + e);
            }
        }
    }

    @Test
    void bf16ModeMatchesTheCpuModelWithinBf16Rounding() {
        GolfConfig c = GolfConfig.of(128, 5, 256, 4, 2, 2);
        gpu.device().makeCurrent();
        try (ParamSet cp = GolfParams.create(cpu, c, 17); ParamSet gp = GolfParams.allocate(gpu, c)) {
            assertEquals(DType.BF16, gp.get(GolfParams.block(0, GolfParams.C_Q)).value().dtype());
            assertEquals(DType.F32, gp.get(GolfParams.block(0, GolfParams.Q_GAIN)).value().dtype());
            copyWeights(gpu, cp, gp, 18);
            int[] in = tokens(19, 128);
            int[] tg = tokens(20, 128);
            double lc = lossAndGradients(cpu, c, cp, in, tg);
            double lg = lossAndGradients(gpu, c, gp, in, tg);
            assertEquals(lc, lg, 2e-3 * Math.abs(lc), "loss");
            Map<String, MuonAndAdam.Group> groups = GolfParams.groups(c);
            gradientErrors(gpu, cp, gp).forEach((name, e) -> {
                double tol = groups.get(name) == MuonAndAdam.Group.SCALAR ? 2.5e-1 : 5e-2;
                assertTrue(e < tol, name + " gradient " + e);
            });
        }
    }
}
