package dev.baton.runtime.golf.eval;

import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The training half of score-first TTT: SGD with momentum ({@code buf = μ·buf + g; w −= lr·buf},
 * torch's SGD without dampening or Nesterov) on the parameters the config selects, over the
 * targets of one already-scored chunk, for its epochs, after a global gradient-norm clip. It owns
 * its momentum buffers; the momentum carries from chunk to chunk as the records' one optimizer does.
 */
public final class TestTimeTrainer implements AutoCloseable {
    private final Ops ops;
    private final GolfGpt gpt;
    private final TestTimeTrainingConfig config;
    private final List<Param> trained = new ArrayList<>();
    private final List<Tensor> momentum = new ArrayList<>();
    private final Tensor norm;
    private final int batchSequences;

    /** Trains {@code gpt}'s own parameters in place: give it a model over a copy of the weights. */
    public TestTimeTrainer(Ops ops, GolfGpt gpt, TestTimeTrainingConfig config) {
        this.ops = ops;
        this.gpt = gpt;
        this.config = config;
        for (Param p : gpt.params().all()) {
            if (config.trains(p.name())) {
                trained.add(p);
                Tensor buf = ops.allocate(p.value().shape(), DType.F32);
                ops.fill(buf, 0f);
                momentum.add(buf);
            }
        }
        if (trained.isEmpty()) {
            throw new IllegalArgumentException("test-time training params '" + config.params()
                    + "' matches no parameter of the golf model");
        }
        this.norm = ops.allocate(Shape.of(1), DType.F32);
        // whole sequences per step, as many as asked and the model's buffers hold
        this.batchSequences = Math.max(1, Math.min(config.batchSequences(), gpt.maxTokens() / gpt.seqLen()));
    }

    /**
     * Trains on the targets {@code stream[from + 1 .. to]} (inputs {@code stream[from .. to − 1]}):
     * {@code epochs} passes over them cut into sequences of the model's length, in batches.
     */
    public void train(int[] stream, int from, int to, double lr) {
        int seqLen = gpt.seqLen();
        int step = batchSequences * seqLen;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            for (int at = from; at < to; at += step) {
                int n = Math.min(step, to - at);
                int[] inputs = new int[n];
                int[] targets = new int[n];
                System.arraycopy(stream, at, inputs, 0, n);
                System.arraycopy(stream, at + 1, targets, 0, n);
                for (Param p : gpt.params().all()) {
                    ops.fill(p.grad(), 0f);
                }
                gpt.forward(inputs, targets);
                gpt.backward(1f);
                clip();
                update((float) lr);
            }
        }
    }

    /** torch's clip_grad_norm_: scale every gradient by clip / (‖g‖ + 1e-6) when ‖g‖ > clip. */
    private void clip() {
        if (config.gradClip() <= 0) {
            return;
        }
        for (int i = 0; i < trained.size(); i++) {
            Tensor g = trained.get(i).grad();
            ops.dot(g, g, norm, 0, 1f, i > 0);
        }
        double total = Math.sqrt(ops.download(norm)[0]);
        if (total > config.gradClip()) {
            float scale = (float) (config.gradClip() / (total + 1e-6));
            for (Param p : trained) {
                ops.axpby(p.grad(), scale, p.grad(), 0f, null);
            }
        }
    }

    private void update(float lr) {
        float mu = (float) config.momentum();
        for (int i = 0; i < trained.size(); i++) {
            Param p = trained.get(i);
            Tensor buf = momentum.get(i);
            ops.axpby(buf, mu, buf, 1f, p.grad());
            ops.axpby(p.value(), 1f, p.value(), -lr, buf);
        }
    }

    @Override
    public void close() {
        for (Tensor t : momentum) {
            t.close();
        }
        norm.close();
    }
}
