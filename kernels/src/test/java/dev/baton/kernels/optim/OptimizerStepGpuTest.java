package dev.baton.kernels.optim;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.testing.Accuracy;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.AdamState;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.NorMuonState;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.optim.ParamState;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two whole steps of the record's optimizer (an Adam step with the embed/lm_head tie, then a
 * NorMuon-only step) on record-small's parameters, GPU (bf16 weights, fp32 state, mantissa
 * masters, bf16 Polar Express) against the fp32 CPU optimizer, from identical weights and
 * gradients. Tolerances: weights 1e-2 relative L2 (bf16 storage); Adam moments and NorMuon momentum
 * 1e-5 (fp32 arithmetic on equal gradients); NorMuon second moments 5e-2 (they follow the bf16
 * Polar Express output).
 */
@GpuTest
class OptimizerStepGpuTest {
    @Test
    void twoStepsMatchTheCpuOptimizer() {
        GptConfig config = GptConfig.recordSmall();
        try (CudaOps gpu = CudaOps.open(0); CpuOps cpu = new CpuOps(2);
             CudaOptimizerKernels gk = new CudaOptimizerKernels(gpu); CpuOptimizerKernels ck = new CpuOptimizerKernels(2);
             ParamSet cp = GptParams.create(cpu, config, 1234); ParamSet gp = GptParams.allocate(gpu, config)) {
            Random rnd = new Random(9);
            for (Param p : cp.all()) {
                float[] v = cpu.download(p.value());
                if (gp.get(p.name()).value().dtype() == DType.BF16) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Bf16.round(v[i] + (float) (0.01 * rnd.nextGaussian()));
                    }
                }
                cpu.write(p.value(), v);
                gpu.write(gp.get(p.name()).value(), v);
            }
            try (NorMuonAndAdam co = optimizer(cpu, ck, cp); NorMuonAndAdam go = optimizer(gpu, gk, gp)) {
                for (int step = 1; step <= 2; step++) {
                    for (Param p : cp.all()) {
                        float[] g = Accuracy.gaussian(100 + step * 31L + p.name().hashCode(), (int) p.grad().numel());
                        for (int i = 0; i < g.length; i++) {
                            g[i] *= 1e-3f;
                        }
                        cpu.write(p.grad(), g);
                        gpu.write(gp.get(p.name()).grad(), g);
                    }
                    boolean doAdam = step % 2 == 1;
                    co.step(step, 1.0, 0.85, doAdam);
                    go.step(step, 1.0, 0.85, doAdam);
                }
                List<String> failures = new ArrayList<>();
                for (Param p : cp.all()) {
                    double err = Accuracy.relativeL2(gpu.download(gp.get(p.name()).value()), cpu.download(p.value()));
                    System.out.printf("  %-16s weights relative L2 %.3e%n", p.name(), err);
                    if (!(err < 1e-2)) {
                        failures.add(p.name() + " weights " + err);
                    }
                }
                for (String label : ParamTable.record().workOrder()) {
                    ParamState cs = co.state(label);
                    ParamState gs = go.state(label);
                    if (cs instanceof AdamState a && gs instanceof AdamState b) {
                        check(failures, label + " exp_avg", cpu.download(a.expAvg()), gpu.download(b.expAvg()), 1e-5);
                        check(failures, label + " exp_avg_sq", cpu.download(a.expAvgSq()), gpu.download(b.expAvgSq()),
                                1e-5);
                    } else if (cs instanceof NorMuonState a && gs instanceof NorMuonState b) {
                        check(failures, label + " momentum", cpu.download(a.momentum()), gpu.download(b.momentum()),
                                1e-5);
                        check(failures, label + " second moment", cpu.download(a.secondMoment()),
                                gpu.download(b.secondMoment()), 5e-2);
                    }
                }
                assertTrue(failures.isEmpty(), String.join("; ", failures));
            }
        }
    }

    private static void check(List<String> failures, String what, float[] want, float[] got, double tol) {
        double norm = 0;
        for (float v : want) {
            norm += (double) v * v;
        }
        double err = 0;
        if (norm == 0) {
            for (float v : got) {
                err = Math.max(err, Math.abs(v));
            }
        } else {
            err = Accuracy.relativeL2(got, want);
        }
        System.out.printf("  %-28s relative L2 %.3e%n", what, err);
        if (!(err < tol)) {
            failures.add(what + " " + err);
        }
    }

    private static NorMuonAndAdam optimizer(Ops ops, OptimizerKernels k, ParamSet set) {
        return new NorMuonAndAdam(ParamTable.record(), set, ops, k, AdamConfig.record(), NorMuonConfig.record(),
                ShardAssignment.single(), 1151);
    }
}
