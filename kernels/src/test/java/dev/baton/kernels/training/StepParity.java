package dev.baton.kernels.training;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.demo.DemoCorpus;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.schedule.AttentionWindows;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.schedule.YarnTransition;
import dev.baton.runtime.tokenizer.Byte260Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One training step of {@link TinyTraining} from identical state on two backends: the "device"
 * backend trains from the seed to each probe step; there its whole state (weights, accumulated
 * gradients, optimizer state) is copied into a fresh fp32 {@code CpuOps} twin whose YaRN replays
 * the schedule's transitions, and both run that step on the same batch. What differs is the
 * backends' arithmetic on that one step, apart from any amplification over earlier steps.
 */
final class StepParity {
    /** Error of one tensor: max |device − cpu|, and that over max |cpu| (the tensor's scale). */
    record Diff(String name, double maxAbs, double scale) {
        double rel() {
            return scale == 0 ? (maxAbs == 0 ? 0 : Double.POSITIVE_INFINITY) : maxAbs / scale;
        }

        @Override
        public String toString() {
            return String.format("%-34s max|d| %.3e  scale %.3e  rel %.3e", name, maxAbs, scale, rel());
        }
    }

    /**
     * One probe: the step, both losses, and the diffs of YaRN tables, gradients, updates (Δweight)
     * from each side's own gradients, and updates with the CPU optimizer fed the device's gradients
     * (times 1 + perturbation·u, u uniform in [−1, 1]): the optimizer's part alone.
     */
    record Probe(int step, double deviceLoss, double cpuLoss, List<Diff> yarn, List<Diff> grads, List<Diff> updates,
                 List<Diff> optimizerUpdates) {
        double lossRel() {
            return Math.abs(deviceLoss - cpuLoss) / Math.abs(cpuLoss);
        }

        static double worst(List<Diff> diffs) {
            return diffs.stream().mapToDouble(Diff::rel).max().orElse(0);
        }

        String report() {
            StringBuilder s = new StringBuilder(String.format("[parity] step %d: loss device %.9f cpu %.9f (rel %.2e); "
                    + "worst yarn %.2e, grad %.2e, update %.2e, update from the device's gradients %.2e%n", step, deviceLoss,
                    cpuLoss, lossRel(), worst(yarn), worst(grads), worst(updates), worst(optimizerUpdates)));
            for (Diff d : yarn) {
                s.append("[parity]   yarn   ").append(d).append('\n');
            }
            for (Diff d : grads) {
                s.append("[parity]   grad   ").append(d).append('\n');
            }
            for (Diff d : updates) {
                s.append("[parity]   update ").append(d).append('\n');
            }
            for (Diff d : optimizerUpdates) {
                s.append("[parity]   optim  ").append(d).append('\n');
            }
            return s.toString();
        }
    }

    private StepParity() {
    }

    /**
     * Trains on {@code ops} up to the last probe and compares each probe step (ascending) with a
     * CPU twin of {@code cpuThreads} threads; the device run goes on from its own result.
     */
    static List<Probe> run(Ops ops, OptimizerKernels kernels, Path workDir, int[] probes, int cpuThreads,
                           double perturbation) {
        TrainingSchedule schedule = new TrainingSchedule(TinyTraining.schedule());
        Byte260Tokenizer tokenizer = new Byte260Tokenizer();
        Path data = DemoCorpus.prepare(workDir, tokenizer, bytes -> ProgressBar.silent());
        BatchLoader loader = new BatchLoader(ShardSet.inDirectory(data, "train"), 1, 1,
                LoaderOptions.record(TinyTraining.MAX_SEQ_LEN, tokenizer.bosId()), LoaderState.START);
        List<Probe> out = new ArrayList<>();
        int next = 0;
        try (ParamSet params = GptParams.create(ops, TinyTraining.MODEL, TinyTraining.SEED);
             Gpt gpt = new Gpt(ops, TinyTraining.MODEL, params, TinyTraining.MAX_TOKENS);
             NorMuonAndAdam opt = optimizer(params, ops, kernels, schedule)) {
            for (int step = 0; next < probes.length; step++) {
                final int s = step;
                schedule.yarnTransition(step).ifPresent(t -> gpt.applyWindowChange(t.oldLongBlocks(), t.newLongBlocks()));
                AttentionWindows w = schedule.windows(step);
                ForwardSchedule f = new ForwardSchedule(schedule.mtpWeights(step), w.shortBlocks(), w.longBlocks());
                Batch b = loader.nextStep(schedule.batchTokens(step)).batch(0, 0);
                if (step == probes[next]) {
                    out.add(probe(step, schedule, ops, gpt, opt, b, f, cpuThreads, perturbation));
                    next++;
                } else {
                    gpt.forward(b, f);
                    gpt.backward(1f);
                    opt.step(s, schedule.lrFactor(s), schedule.momentum(s), schedule.isAdamStep(s));
                }
            }
        }
        return out;
    }

    private static NorMuonAndAdam optimizer(ParamSet params, Ops ops, OptimizerKernels kernels, TrainingSchedule s) {
        return new NorMuonAndAdam(ParamTable.record(), params, ops, kernels, AdamConfig.record(), NorMuonConfig.record(),
                ShardAssignment.single(), s.splitStep());
    }

    private static Probe probe(int step, TrainingSchedule schedule, Ops ops, Gpt gpt, NorMuonAndAdam opt, Batch b,
                               ForwardSchedule f, int cpuThreads, double perturbation) {
        ParamSet params = gpt.params();
        try (CpuOps cops = new CpuOps(cpuThreads); CpuOptimizerKernels ck = new CpuOptimizerKernels(cpuThreads);
             ParamSet cparams = GptParams.create(cops, TinyTraining.MODEL, TinyTraining.SEED);
             Gpt cgpt = new Gpt(cops, TinyTraining.MODEL, cparams, TinyTraining.MAX_TOKENS);
             NorMuonAndAdam copt = optimizer(cparams, cops, ck, schedule)) {
            Map<String, float[]> before = new LinkedHashMap<>();
            for (Param p : params.all()) {
                float[] v = ops.download(p.value());
                before.put(p.name(), v);
                Param c = cparams.get(p.name());
                cops.write(c.value(), v);
                cops.write(c.grad(), ops.download(p.grad()));
            }
            copt.importState(opt.exportState());
            for (YarnTransition t : schedule.yarnTransitionsThrough(step)) {
                cgpt.applyWindowChange(t.oldLongBlocks(), t.newLongBlocks());
            }
            List<Diff> yarn = new ArrayList<>();
            yarn.add(diff("cos", ops.download(gpt.yarn().cos()), cops.download(cgpt.yarn().cos())));
            yarn.add(diff("sin", ops.download(gpt.yarn().sin()), cops.download(cgpt.yarn().sin())));
            yarn.add(diff("paired cos", ops.download(gpt.pairedYarn().cos()), cops.download(cgpt.pairedYarn().cos())));
            yarn.add(diff("paired sin", ops.download(gpt.pairedYarn().sin()), cops.download(cgpt.pairedYarn().sin())));
            yarn.add(diff("attn scale", new float[] {(float) gpt.yarn().attnScale(), (float) gpt.pairedYarn().attnScale()},
                    new float[] {(float) cgpt.yarn().attnScale(), (float) cgpt.pairedYarn().attnScale()}));
            double dl = ops.download(gpt.forward(b, f))[0] / b.length();
            double cl = cops.download(cgpt.forward(b, f))[0] / b.length();
            gpt.backward(1f);
            cgpt.backward(1f);
            List<Diff> grads = new ArrayList<>();
            Map<String, float[]> deviceGrads = new LinkedHashMap<>();
            for (Param p : params.all()) {
                float[] g = ops.download(p.grad());
                deviceGrads.put(p.name(), g);
                grads.add(diff(p.name(), g, cops.download(cparams.get(p.name()).grad())));
            }
            Map<String, dev.baton.runtime.optim.StateTensor> cpuState = copt.exportState();
            double lr = schedule.lrFactor(step);
            double mom = schedule.momentum(step);
            boolean adam = schedule.isAdamStep(step);
            opt.step(step, lr, mom, adam);
            copt.step(step, lr, mom, adam);
            List<Diff> updates = new ArrayList<>();
            for (Param p : params.all()) {
                float[] old = before.get(p.name());
                updates.add(diff(p.name(), minus(ops.download(p.value()), old),
                        minus(cops.download(cparams.get(p.name()).value()), old)));
            }
            // the CPU optimizer again from the same state, on the device's (perturbed) gradients
            copt.importState(cpuState);
            SplittableRandom random = new SplittableRandom(step);
            for (Param p : params.all()) {
                Param c = cparams.get(p.name());
                cops.write(c.value(), before.get(p.name()));
                float[] g = deviceGrads.get(p.name()).clone();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= (float) (1 + perturbation * (2 * random.nextDouble() - 1));
                }
                cops.write(c.grad(), g);
            }
            copt.step(step, lr, mom, adam);
            List<Diff> optimizerUpdates = new ArrayList<>();
            for (Param p : params.all()) {
                float[] old = before.get(p.name());
                optimizerUpdates.add(diff(p.name(), minus(ops.download(p.value()), old),
                        minus(cops.download(cparams.get(p.name()).value()), old)));
            }
            return new Probe(step, dl, cl, yarn, grads, updates, optimizerUpdates);
        }
    }

    private static float[] minus(float[] a, float[] b) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    static Diff diff(String name, float[] device, float[] cpu) {
        if (device.length != cpu.length) {
            throw new IllegalArgumentException(name + ": " + device.length + " vs " + cpu.length + " values");
        }
        double maxAbs = 0;
        double scale = 0;
        for (int i = 0; i < cpu.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs((double) device[i] - cpu[i]));
            scale = Math.max(scale, Math.abs(cpu[i]));
        }
        return new Diff(name, maxAbs, scale);
    }
}
