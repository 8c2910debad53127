package dev.baton.actors.work;

import dev.baton.runtime.train.LossSum;
import dev.baton.actors.plan.ShardRange;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * The model replica, the optimizer shard and the gradient buffers of one device: the work the
 * actors schedule. The real implementation wraps Gpt and NorMuonAndAdam; tests use a stand-in.
 *
 * <p>Threading: every method but {@link #ops()} is called on one of the device's stream threads
 * (CPU) or launches onto the device's streams (CUDA), never concurrently with another method
 * touching the same tensors; the streams' events order them.
 *
 * <p>Buffers: {@link #value} and {@link #gradient} are full-size on every rank and stay owned by
 * the work. Collectives run in place on them: after the reduce-scatter of a sharded parameter
 * the rank's owned range of its gradient holds the average over ranks (the rest is scratch);
 * after the all-gather every rank's value is whole again.
 */
public interface DeviceWork extends AutoCloseable {
    /** The device backend; the runtime allocates scratch buffers (untie, checkpoints) through it. */
    Ops ops();

    /** The whole parameter tensor of this replica. */
    Tensor value(String param);

    /** The whole gradient buffer that backward accumulates into. */
    Tensor gradient(String param);

    /**
     * Forward and backward of one micro-batch, accumulating (+=) gradients scaled by
     * {@code lossScale} (1 / micro-steps) and adding the scaled loss to the step's loss.
     */
    void forwardBackward(Batch batch, float lossScale, StepContext ctx);

    /** The loss accumulated since the last call (sum over micro-batches of scaled losses), then reset. */
    double takeLoss();

    /**
     * The optimizer update of the {@code owned} units of {@code param} from the reduced gradient in
     * that range; writes the updated values into that range of {@link #value}. Must not clear the
     * gradient (the scheduler does it with {@link #clearGradient}).
     */
    void update(String param, ShardRange owned, StepContext ctx);

    /** Zeroes the whole gradient buffer of {@code param}. */
    void clearGradient(String param);

    /** While tied: {@code head.grad += embed.grad^T}, on the local (unreduced) gradients. */
    void combineTiedGradients(EmbeddingTie pair);

    /** While tied, after the head's all-gather: {@code embed := head^T}. */
    void copyTiedWeights(EmbeddingTie pair);

    /** This rank's optimizer state of {@code param}, for checkpoints and the untie. */
    List<OptimizerState> optimizerState(String param);

    /**
     * At the split step: the head's sharded optimizer state, gathered whole (shape of the head)
     * under each state's name, becomes the embedding's state transposed; the rank keeps the
     * {@code embedOwned} rows. The embedding's step counters copy the head's.
     */
    void untie(EmbeddingTie pair, Map<String, Tensor> wholeHeadState, ShardRange embedOwned);

    /**
     * Evaluation loss of one batch (no gradients) of the model after {@code stepsDone} training
     * steps; the step fixes what the schedule fixes for the forward (attention windows, YaRN).
     */
    LossSum evaluate(Batch batch, long stepsDone);

    /** Scalars of the optimizer that checkpoints must keep (e.g. Adam step counts), same on every rank. */
    Map<String, Double> scalarState();

    void restoreScalarState(Map<String, Double> state);

    /** Releases every buffer and the device handle. */
    @Override
    void close();
}
