package dev.baton.actors.cuda;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.training.GptWorkFactory;
import dev.baton.actors.training.MlpBankPadding;
import dev.baton.actors.training.OptimizerWork;
import dev.baton.actors.training.PlanShardAssignment;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.WorkFactory;
import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.train.GptPass;

import java.util.List;

/**
 * {@link GptWorkFactory}'s work on the GPUs of a {@link CudaBackend}: the same model, optimizer and
 * shard plan, with the rank's {@link CudaOps} and {@link CudaOptimizerKernels} in place of the CPU
 * ones. {@link #create} runs on the worker's thread, which makes the rank's device current there.
 */
public record CudaGptWork(CudaBackend backend, GptWorkFactory cpu) implements WorkFactory {
    @Override
    public List<ParamLayout> layouts(int world) {
        return cpu.layouts(world);
    }

    @Override
    public DeviceWork create(int rank, ShardPlan plan) {
        CudaOps ops = backend.ops(rank);
        CudaOptimizerKernels kernels = new CudaOptimizerKernels(ops);
        ParamSet params = GptParams.create(ops, cpu.model(), MlpBankPadding.layers(cpu.model(), plan.world()), cpu.seed());
        NorMuonAndAdam optimizer = new NorMuonAndAdam(cpu.table(), params, ops, kernels, cpu.adam(), cpu.normuon(),
                new PlanShardAssignment(plan, rank), cpu.schedule().splitStep());
        GptPass pass = new GptPass(new Gpt(ops, cpu.model(), params, cpu.maxTokens()), ops, cpu.schedule());
        return new OptimizerWork(ops, params, cpu.table(), optimizer, kernels, cpu.schedule(), pass, plan, rank);
    }
}
