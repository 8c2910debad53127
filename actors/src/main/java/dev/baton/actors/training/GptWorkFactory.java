package dev.baton.actors.training;

import dev.baton.runtime.train.GptPass;
import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.Workload;
import dev.baton.actors.work.BatchSource;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.checkpoint.ModelFingerprint;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.ScheduleConfig;
import dev.baton.runtime.schedule.TrainingSchedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Each CPU device's work for the real model: its own {@link CpuOps} (a CpuOps serves one thread),
 * its own {@link Gpt} replica over parameters drawn from the same seed on every rank (so replicas
 * start equal without a broadcast), and its {@link NorMuonAndAdam} over the shard plan's slices.
 * The MLP bank has {@link MlpBankPadding#layers} entries at W devices.
 *
 * @param model            the GPT's sizes and layer layout
 * @param table            param table over {@link GptParams}' names (e.g. {@link ParamTable#record()})
 * @param schedule         the training schedule (lr, momentum, windows, MTP, YaRN, untie)
 * @param adam             Adam's base lr, eps and weight decay
 * @param normuon          NorMuon's base lr, beta2 and weight decay
 * @param seed             {@code PortableInit} seed of the initial weights
 * @param maxTokens        the longest micro-batch (training or validation) a device sees:
 *                         {@link #microBatchTokens}
 * @param threadsPerDevice compute threads of each device's CpuOps and optimizer kernels
 */
public record GptWorkFactory(GptConfig model, ParamTable table, TrainingSchedule schedule, AdamConfig adam,
                             NorMuonConfig normuon, long seed, int maxTokens, int threadsPerDevice) implements WorkFactory {
    public GptWorkFactory {
        if (maxTokens < 1 || threadsPerDevice < 1) {
            throw new IllegalArgumentException("maxTokens and threadsPerDevice must be positive, got " + maxTokens + ", "
                    + threadsPerDevice);
        }
        mlpLabel(table);
    }

    /**
     * Tokens of the longest micro-batch of a run whose steps and validation are cut into
     * {@code slices} = devices × accumulation steps equal slices: the schedule's largest step
     * batch or the validation batch, divided by the slices.
     */
    public static int microBatchTokens(ScheduleConfig schedule, int valBatchTokens, int slices) {
        int most = Math.max(schedule.extensionBatchTokens(), valBatchTokens);
        for (int b : schedule.batchTokens()) {
            most = Math.max(most, b);
        }
        return (most + slices - 1) / slices;
    }

    /** The run's workload: this work, the data, the table, the schedule's Adam steps and untie, the model's fingerprint. */
    public Workload workload(BatchSource data) {
        return new Workload(this, data, table, new TrainingStepSchedule(schedule), ModelFingerprint.of(model));
    }

    @Override
    public List<ParamLayout> layouts(int world) {
        return TableLayouts.of(table, GptParams.shapes(model, MlpBankPadding.layers(model, world)),
                Map.of(mlpLabel(table), model.numLayers()));
    }

    @Override
    public DeviceWork create(int rank, ShardPlan plan) {
        List<AutoCloseable> made = new ArrayList<>();
        try {
            CpuOps ops = keep(made, new CpuOps(threadsPerDevice));
            ParamSet params = keep(made, GptParams.create(ops, model, MlpBankPadding.layers(model, plan.world()), seed));
            CpuOptimizerKernels kernels = keep(made, new CpuOptimizerKernels(threadsPerDevice));
            NorMuonAndAdam optimizer = keep(made, new NorMuonAndAdam(table, params, ops, kernels, adam, normuon,
                    new PlanShardAssignment(plan, rank), schedule.splitStep()));
            GptPass pass = keep(made, new GptPass(new Gpt(ops, model, params, maxTokens), ops, schedule));
            return new OptimizerWork(ops, params, table, optimizer, kernels, schedule, pass, plan, rank);
        } catch (RuntimeException e) {
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    made.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> made, T resource) {
        made.add(resource);
        return resource;
    }

    /** The label of the table's entry for the MLP bank, the one padded bank. */
    private static String mlpLabel(ParamTable table) {
        for (ParamEntry e : table.inScatterOrder()) {
            if (e.param().equals(GptParams.MLP_BANK)) {
                return e.label();
            }
        }
        throw new IllegalArgumentException("the param table has no entry for the model's " + GptParams.MLP_BANK);
    }
}
