package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.optim.cpu.CpuOptimizerKernels;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.TrainingSchedule;
import dev.baton.runtime.schedule.YarnTransition;
import dev.baton.runtime.tensor.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps on one device (W = 1): the model ({@link Gpt}) and the whole optimizer
 * ({@link NorMuonAndAdam} with every parameter unsharded). The slices of every rank and
 * micro-step run in turn, each backward adding {@code 1 / slices} of its gradient, so a plan cut
 * for W ranks computes what W devices would, up to summation order.
 *
 * <p>It owns the backend, the optimizer kernels, the parameters, the model and the optimizer,
 * and releases them on {@link #close}.
 */
public final class SingleDeviceExecutor implements StepExecutor {
    private final Ops ops;
    private final OptimizerKernels kernels;
    private final ParamSet params;
    private final Gpt gpt;
    private final NorMuonAndAdam optimizer;
    private final List<YarnTransition> applied = new ArrayList<>();

    /**
     * Takes ownership of {@code ops}, {@code kernels} and {@code params} (initialised or loaded).
     *
     * @param maxTokens the longest slice any step or evaluation will hand over
     */
    public SingleDeviceExecutor(TrainingConfig config, Ops ops, OptimizerKernels kernels, ParamSet params, int maxTokens) {
        this.ops = ops;
        this.kernels = kernels;
        this.params = params;
        this.gpt = new Gpt(ops, config.model(), params, maxTokens);
        this.optimizer = new NorMuonAndAdam(config.table(), params, ops, kernels, config.adam(), config.normuon(),
                ShardAssignment.single(), new TrainingSchedule(config.schedule()).splitStep());
    }

    /** A CPU device with {@code threads} compute threads and the portable initialisation of {@code config.seed()}. */
    public static SingleDeviceExecutor onCpu(TrainingConfig config, int maxTokens, int threads) {
        CpuOps ops = new CpuOps(threads);
        return new SingleDeviceExecutor(config, ops, new CpuOptimizerKernels(threads),
                GptParams.create(ops, config.model(), config.seed()), maxTokens);
    }

    @Override
    public void applyYarn(YarnTransition t) {
        gpt.applyWindowChange(t.oldLongBlocks(), t.newLongBlocks());
        applied.add(t);
    }

    @Override
    public LossSum train(StepSpec spec, Batch[][] batches) {
        LossSum loss = accumulate(batches, spec.forward());
        update(spec);
        return loss;
    }

    /** Forward and backward of every slice, each gradient scaled by 1 / slices; the optimizer does not run. */
    LossSum accumulate(Batch[][] batches, ForwardSchedule forward) {
        float scale = 1f / MicroBatches.count(batches);
        double sum = 0;
        long tokens = 0;
        for (Batch[] micro : batches) {
            for (Batch b : micro) {
                sum += ops.download(gpt.forward(b, forward))[0];
                gpt.backward(scale);
                tokens += b.length();
            }
        }
        return new LossSum(sum, tokens);
    }

    /** The optimizer step of {@code spec} on the accumulated gradients (they are cleared as the record does). */
    void update(StepSpec spec) {
        optimizer.step(spec.step(), spec.lrFactor(), spec.momentum(), spec.adamStep());
    }

    @Override
    public LossSum evaluate(Batch[][] batches, ForwardSchedule forward) {
        double sum = 0;
        long tokens = 0;
        for (Batch[] micro : batches) {
            for (Batch b : micro) {
                // the model returns the mean over the slice; weigh it by the slice's tokens
                sum += (double) ops.download(gpt.evaluate(b, forward))[0] * b.length();
                tokens += b.length();
            }
        }
        return new LossSum(sum, tokens);
    }

    @Override
    public TrainingState exportState() {
        Map<String, HostTensor> weights = new LinkedHashMap<>();
        for (Param p : params.all()) {
            weights.put(p.name(), new HostTensor(p.value().shape(), ops.download(p.value())));
        }
        return new TrainingState(weights, optimizer.exportState(),
                new YarnState(applied, gpt.yarn().attnScale(), gpt.pairedYarn().attnScale()));
    }

    @Override
    public void importState(TrainingState state) {
        List<String> problems = new ArrayList<>();
        for (Param p : params.all()) {
            HostTensor t = state.weights().get(p.name());
            if (t == null) {
                problems.add("missing " + p.name() + " " + p.value().shape());
            } else if (!t.shape().equals(p.value().shape())) {
                problems.add(p.name() + " is " + t.shape() + " there but " + p.value().shape() + " here");
            }
        }
        for (String name : state.weights().keySet()) {
            if (!params.contains(name)) {
                problems.add("unexpected " + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException("the saved weights do not fit this model: " + String.join("; ", problems));
        }
        try {
            optimizer.importState(state.optimizer());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("the saved optimizer state does not fit: " + e.getMessage(), e);
        }
        for (Param p : params.all()) {
            ops.write(p.value(), state.weights().get(p.name()).values());
            ops.fill(p.grad(), 0f);
        }
        gpt.resetYarn();
        applied.clear();
        for (YarnTransition t : state.yarn().applied()) {
            applyYarn(t);
        }
        if (gpt.yarn().attnScale() != state.yarn().attnScale()
                || gpt.pairedYarn().attnScale() != state.yarn().pairedAttnScale()) {
            throw new CheckpointException("replaying the saved YaRN transitions " + state.yarn().applied()
                    + " gives softmax scales " + gpt.yarn().attnScale() + "/" + gpt.pairedYarn().attnScale()
                    + " instead of the saved " + state.yarn().attnScale() + "/" + state.yarn().pairedAttnScale());
        }
    }

    /** A sampler over this device's model as it stands, generating with {@code forward}'s windows. */
    public Sampler sampler(ForwardSchedule forward, int vocab, int bos) {
        return new Sampler(ops, gpt, forward, vocab, bos);
    }

    /** Shapes of every parameter, by name (what {@code --init-from} files must match). */
    public Map<String, Shape> shapes() {
        Map<String, Shape> out = new LinkedHashMap<>();
        for (Param p : params.all()) {
            out.put(p.name(), p.value().shape());
        }
        return out;
    }

    Ops ops() {
        return ops;
    }

    ParamSet params() {
        return params;
    }

    NorMuonAndAdam optimizer() {
        return optimizer;
    }

    Gpt model() {
        return gpt;
    }

    @Override
    public void close() {
        optimizer.close();
        gpt.close();
        params.close();
        kernels.close();
        ops.close();
    }
}
