package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.WeightsCheckpoint;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.TrainingSchedule;

import java.nio.file.Path;

/**
 * A trained model on one CPU device, as {@code baton eval} and {@code baton sample} use it: the
 * weights of a checkpoint (or any weights file with the record's names and shapes) in a
 * {@link Gpt} that a {@link GptPass} positions along its schedule. No optimizer: nothing trains.
 * Owns the backend, the parameters and the model, and releases them on {@link #close}.
 */
public final class LoadedModel implements AutoCloseable {
    private final CpuOps ops;
    private final ParamSet params;
    private final GptPass pass;

    private LoadedModel(CpuOps ops, ParamSet params, GptPass pass) {
        this.ops = ops;
        this.params = params;
        this.pass = pass;
    }

    /**
     * The weights of {@code path} (a checkpoint folder or a weights file) in a model of
     * {@code config}, sized for slices of up to {@code maxTokens} tokens.
     */
    public static LoadedModel load(Path path, GptConfig config, TrainingSchedule schedule, int maxTokens, int threads) {
        CpuOps ops = new CpuOps(threads);
        ParamSet params = null;
        try {
            params = GptParams.allocate(ops, config);
            WeightsCheckpoint.load(path, params, ops);
            return new LoadedModel(ops, params, new GptPass(new Gpt(ops, config, params, maxTokens), ops, schedule));
        } catch (RuntimeException e) {
            if (params != null) {
                params.close();
            }
            ops.close();
            throw e;
        }
    }

    /** The evaluation loss of {@code batch} summed over its tokens, after {@code stepsDone} training steps. */
    public LossSum evaluate(Batch batch, int stepsDone) {
        return pass.evaluate(batch, stepsDone);
    }

    /** A sampler of the model as it stands after {@code stepsDone} steps; ids below {@code vocab} other than BOS. */
    public Sampler sampler(int stepsDone, int vocab, int bos) {
        return pass.sampler(stepsDone, vocab, bos);
    }

    @Override
    public void close() {
        pass.close();
        params.close();
        ops.close();
    }
}
