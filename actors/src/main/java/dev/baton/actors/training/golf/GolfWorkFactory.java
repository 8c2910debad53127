package dev.baton.actors.training.golf;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.Workload;
import dev.baton.actors.work.BatchSource;
import dev.baton.actors.work.StepSchedule;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.MuonAndAdamConfig;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;

import java.util.List;

/**
 * Each CPU device's golf work for the actor runtime: its own {@link CpuOps} and optimizer kernels,
 * a {@link GolfReplica} drawn from the same seed on every rank (replicas start equal without a
 * broadcast), the Muon matrices of {@link GolfMatrixBanks} sharded over the ranks by whole matrices
 * and the Adam parameters replicated ({@link GolfParamTable}). Adam runs every step and nothing is
 * tied ({@link StepSchedule#everyStep}).
 *
 * @param model            the golf model's sizes
 * @param optim            Muon and Adam settings (the baseline's by default)
 * @param lrScales         the run's warm-down factors, decided once per step for every rank
 * @param seed             {@code PortableInit} seed of the initial weights
 * @param seqLen           training and evaluation sequence length
 * @param maxTokens        the longest micro-batch (training or validation) a device sees
 * @param threadsPerDevice compute threads of each device's CpuOps and kernels
 */
public record GolfWorkFactory(GolfConfig model, MuonAndAdamConfig optim, GolfLrScales lrScales, long seed, int seqLen,
                              int maxTokens, int threadsPerDevice) implements WorkFactory {
    public GolfWorkFactory {
        if (seqLen < 1 || maxTokens < seqLen || threadsPerDevice < 1) {
            throw new IllegalArgumentException("golf work needs seqLen >= 1, maxTokens >= seqLen and threads >= 1, got "
                    + seqLen + ", " + maxTokens + ", " + threadsPerDevice);
        }
    }

    /** The param table: banks sharded, Adam parameters replicated, no tie. */
    public ParamTable table() {
        return GolfParamTable.of(model, optim);
    }

    /** The run's workload over {@code data}. */
    public Workload workload(BatchSource data) {
        return new Workload(this, data, table(), StepSchedule.everyStep());
    }

    /** The same at every W: banks are split as they are (uneven splits allowed), nothing is padded. */
    @Override
    public List<ParamLayout> layouts(int world) {
        return GolfParamTable.layouts(model);
    }

    @Override
    public GolfDeviceWork create(int rank, ShardPlan plan) {
        CpuOps ops = new CpuOps(threadsPerDevice);
        CpuOptimizerKernels kernels = null;
        try {
            kernels = new CpuOptimizerKernels(threadsPerDevice);
            return GolfDeviceWork.create(ops, kernels, model, optim, lrScales, seed, seqLen, maxTokens, plan, rank);
        } catch (RuntimeException e) {
            if (kernels != null) {
                kernels.close();
            }
            ops.close();
            throw e;
        }
    }
}
