package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * The parameter-golf baseline's GPT ({@code train_gpt.py}'s {@code GPT}) on any {@link Ops}
 * backend, llm.c style: {@link #forward} keeps every layer's activations in buffers sized once,
 * {@link #backward} accumulates (+=) into the gradients of the {@link ParamSet}.
 *
 * <p>Why a sibling of {@link dev.baton.runtime.model.Gpt} and not a configuration of it: the two
 * models share the ops and the llm.c layout but little structure. The record keeps its weights in
 * banks with λ scalars, gates, value embeddings, YaRN, windows and multi-token prediction; golf
 * keeps one Linear weight per projection under its {@code state_dict} name (so checkpoints and
 * artifacts map one to one to PyTorch), grouped-query attention, half-split RoPE, per-channel
 * learned scales, a U-net with learned skip weights and a tied tanh-softcapped head. Configuring
 * one class to be both would make every layer a branch on the model family.
 *
 * <p>A batch is consecutive sequences of {@code seqLen} tokens (the last may be shorter), each
 * attended causally on its own from position 0, as the baseline's (B, seq_len) batches are;
 * attention crosses BOS tokens inside a sequence, as the baseline's does.
 *
 * <pre>{@code
 * ParamSet params = GolfParams.create(ops, config, seed);
 * try (GolfGpt gpt = new GolfGpt(ops, config, params, 1024, 8192)) {
 *     Tensor loss = gpt.forward(inputs, targets);   // mean CE over the batch, on the backend
 *     gpt.backward(1f / gradAccumSteps);
 *     Tensor perToken = gpt.tokenLosses(valInputs, valTargets);
 * }
 * }</pre>
 */
public final class GolfGpt implements AutoCloseable {
    private final Ops ops;
    private final GolfConfig config;
    private final ParamSet params;
    private final int seqLen;
    private final int maxTokens;
    private final GolfWorkspace ws;
    private final GolfRope rope;
    private final GolfEmbedding embedding;
    private final GolfBlock[] blocks;
    /** Dual-lane parallel blocks by instance (null where the instance is a plain block). */
    private final DualLaneBlock[] dualLanes;
    /** The lanes' mean after the last dual-lane block, and the lanes' gradients; null without lanes. */
    private final Tensor merged;
    private final Tensor laneGradA;
    private final Tensor laneGradM;
    private final GolfHead head;
    private final GolfLayerPlan plan;
    /** Per encoder position: the gradient its output receives through the skip. */
    private final Tensor[] skipGrad;
    private final Tensor[] outputs;
    /** Depth recurrence: whether the looped order runs (on from the start when configured: evaluation runs looped). */
    private boolean looping;
    private final Tensor ids;
    private final Tensor targets;
    private final Tensor cuSeqlens;
    private final Tensor kvRepeat;
    private final GolfStep step = new GolfStep();
    /** Seed 004's Universal Transformer in place of {@link #blocks}, or null. */
    private final UniversalStack universal;
    private boolean backwardReady;

    /**
     * Builds the model over existing parameters (from {@link GolfParams#create} or a checkpoint).
     *
     * @param seqLen    the sequence length (train_seq_len); rotary positions restart every seqLen tokens
     * @param maxTokens the longest batch any call will see, in tokens
     */
    public GolfGpt(Ops ops, GolfConfig config, ParamSet params, int seqLen, int maxTokens) {
        if (seqLen < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("sequence length " + seqLen + " and batch " + maxTokens
                    + " tokens must be positive");
        }
        GolfParams.validate(config, params);
        this.ops = ops;
        this.config = config;
        this.params = params;
        this.seqLen = seqLen;
        this.maxTokens = maxTokens;
        this.ws = new GolfWorkspace(ops, config, maxTokens);
        this.rope = new GolfRope(ops, config.ropeDims(), config.ropeBase(), seqLen, maxTokens);
        this.embedding = new GolfEmbedding(ops, config, params, ws, maxTokens);
        this.universal = config.universal() == null ? null
                : new UniversalStack(ops, config, params, ws, rope, maxTokens);
        // with the Universal Transformer the plan has no layers: the shared stack replaces them
        this.plan = new GolfLayerPlan(config);
        int[] instanceLayers = plan.instanceLayers();
        this.blocks = new GolfBlock[instanceLayers.length];
        this.dualLanes = new DualLaneBlock[instanceLayers.length];
        for (int i = 0; i < blocks.length; i++) {
            if (plan.parallel(i)) {
                dualLanes[i] = new DualLaneBlock(ops, config, params, ws, rope, instanceLayers[i], maxTokens);
            } else {
                blocks[i] = new GolfBlock(ops, config, params, ws, rope, instanceLayers[i], maxTokens);
            }
        }
        boolean lanes = universal == null && config.arch().parallelStart() > 0;
        this.merged = lanes ? GolfWorkspace.activations(ops, maxTokens, config.modelDim()) : null;
        this.laneGradA = lanes ? GolfWorkspace.activations(ops, maxTokens, config.modelDim()) : null;
        this.laneGradM = lanes ? GolfWorkspace.activations(ops, maxTokens, config.modelDim()) : null;
        this.looping = config.arch().recurrent();
        this.skipGrad = new Tensor[plan.maxPositions()];
        for (boolean loop : new boolean[] {false, true}) {
            for (GolfLayerPlan.Position p : plan.positions(loop)) {
                if (p.skipSource() >= 0 && skipGrad[p.skipSource()] == null) {
                    skipGrad[p.skipSource()] = GolfWorkspace.activations(ops, maxTokens, config.modelDim());
                }
            }
        }
        this.head = new GolfHead(ops, config, params, ws, maxTokens);
        this.outputs = new Tensor[plan.maxPositions()];
        this.ids = ops.allocate(Shape.of(maxTokens), DType.I32);
        this.targets = ops.allocate(Shape.of(maxTokens), DType.I32);
        this.cuSeqlens = ops.allocate(Shape.of((maxTokens + seqLen - 1) / seqLen + 1), DType.I32);
        int h = config.numHeads();
        int group = h / config.numKvHeads();
        int[] repeat = new int[maxTokens * h];
        for (int i = 0; i < repeat.length; i++) {
            repeat[i] = (i / h) * config.numKvHeads() + (i % h) / group;
        }
        this.kvRepeat = ops.uploadInts(repeat, Shape.of(repeat.length));
    }

    public GolfConfig config() {
        return config;
    }

    public ParamSet params() {
        return params;
    }

    public int seqLen() {
        return seqLen;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Depth recurrence on or off: the looped or the plain layer order from the next forward on. Both
     * orders run over block instances built once, so the switch allocates nothing and keeps every
     * parameter; without a configured recurrence only {@code false} is a no-op and {@code true} fails.
     */
    public void setLooping(boolean on) {
        if (on && !config.arch().recurrent()) {
            throw new IllegalStateException("this golf model has no depth recurrence configured");
        }
        backwardReady = false;
        looping = on;
    }

    public boolean looping() {
        return looping;
    }

    /** The physical layer of each position of the order that runs now (for logs and tests). */
    public int[] layerOrder() {
        return plan.positions(looping).stream().mapToInt(GolfLayerPlan.Position::layer).toArray();
    }

    /**
     * Tells the model which training step comes next: the Universal Transformer takes its depth
     * from the schedule (nothing is allocated on a switch); a no-op for the baseline stack.
     */
    public void setTrainingStep(long trainingStep) {
        if (trainingStep < 0) {
            throw new IllegalArgumentException("training step " + trainingStep + " must not be negative");
        }
        if (universal != null) {
            universal.setDepth(config.universal().schedule().depthAt(trainingStep));
        }
    }

    /** Blocks a forward runs: the Universal Transformer's current depth, else the positions of the running order. */
    public int depth() {
        return universal != null ? universal.depth() : plan.positions(looping).size();
    }

    /**
     * Training forward: the mean next-token cross-entropy of the batch (one element, on the backend),
     * keeping every activation and dlogits for {@link #backward}.
     */
    public Tensor forward(int[] inputs, int[] targetIds) {
        prepare(inputs, targetIds, true);
        if (universal != null) {
            universal.perturb();
        }
        Tensor loss = head.meanLoss(step, run());
        backwardReady = true;
        return loss;
    }

    /** Evaluation: the mean cross-entropy (one element). Discards a training forward's activations. */
    public Tensor evaluate(int[] inputs, int[] targetIds) {
        prepare(inputs, targetIds, false);
        return head.meanLoss(step, run());
    }

    /**
     * Evaluation: each token's cross-entropy in nats (T elements, fp32, on the backend), a view valid
     * until the next call. Discards a training forward's activations.
     */
    public Tensor tokenLosses(int[] inputs, int[] targetIds) {
        prepare(inputs, targetIds, false);
        return head.tokenLosses(step, run());
    }

    /**
     * Evaluation forward that hands every matrix input to {@code tap} (GPTQ calibration); returns the
     * mean cross-entropy (one element).
     */
    public Tensor evaluate(int[] inputs, int[] targetIds, MatrixInputTap tap) {
        step.tap = tap;
        try {
            return evaluate(inputs, targetIds);
        } finally {
            step.tap = null;
        }
    }

    /**
     * Softcapped logits (T, V) of one sequence of at most {@code seqLen} tokens, for sampling: a view
     * valid until the next call, holding {@code cap·tanh(x/cap) + cap} (the constant does not change
     * a softmax).
     */
    public Tensor logits(int[] tokens) {
        if (tokens.length > seqLen) {
            throw new IllegalArgumentException(tokens.length + " tokens exceed the sequence length " + seqLen);
        }
        return batchLogits(tokens);
    }

    /**
     * Softcapped logits (T, V) of a batch of consecutive sequences (as {@link #tokenLosses} cuts
     * them), shifted by +cap like {@link #logits}: a view valid until the next call. For evaluation
     * that needs the whole distribution (n-gram mixing).
     */
    public Tensor batchLogits(int[] inputs) {
        prepare(inputs, null, false);
        Tensor out = head.logits(step, run());
        head.softcap(out);
        return out;
    }

    /**
     * Backward of the latest {@link #forward}: accumulates {@code lossScale · ∂loss/∂θ} into every
     * parameter's gradient (the baseline's {@code loss * grad_scale}).
     */
    public void backward(float lossScale) {
        if (!backwardReady) {
            throw new IllegalStateException("backward needs a training forward first (evaluation discards the "
                    + "activations)");
        }
        backwardReady = false;
        for (Tensor g : skipGrad) {
            if (g != null) {
                ops.fill(step.rows(g), 0f);
            }
        }
        Tensor dres = step.rows(ws.dres);
        Tensor dx0 = step.rows(ws.dx0);
        head.backward(step, lossScale, dres);
        ops.fill(dx0, 0f);
        Tensor x0 = embedding.forwardOutput(step);
        if (universal != null) {
            universal.backward(step, dres);
        }
        java.util.List<GolfLayerPlan.Position> order = plan.positions(looping);
        boolean[] pushed = plan.pushesSkip(looping);
        Tensor da = null;
        Tensor dm = null;
        if (!order.isEmpty() && order.get(order.size() - 1).parallel()) {
            // x = (a + m) / 2 after the last dual-lane block
            da = step.rows(laneGradA);
            dm = step.rows(laneGradM);
            ops.axpby(da, 0.5f, dres, 0f, null);
            ops.axpby(dm, 0.5f, dres, 0f, null);
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            GolfLayerPlan.Position p = order.get(i);
            if (pushed[i]) {
                ops.axpby(dres, 1f, dres, 1f, step.rows(skipGrad[i]));
            }
            int src = p.skipSource();
            Tensor skipOut = src >= 0 ? outputs[src] : null;
            Tensor dSkip = src >= 0 ? step.rows(skipGrad[src]) : null;
            if (p.parallel()) {
                dualLanes[p.instance()].backward(step, x0, da, dm, dx0, skipOut, dSkip, p.skipIndex());
                if (i == 0 || !order.get(i - 1).parallel()) {
                    // both lanes started as this stream
                    ops.axpby(dres, 1f, da, 1f, dm);
                }
            } else {
                blocks[p.instance()].backward(step, x0, dres, dx0, skipOut, dSkip, p.skipIndex());
            }
        }
        // block 0's input is x0 itself
        ops.axpby(dx0, 1f, dx0, 1f, dres);
        embedding.backward(step, dx0);
        if (universal != null) {
            universal.restore();
        }
    }

    private Tensor run() {
        Tensor x0 = embedding.forward(step);
        if (universal != null) {
            return universal.forward(step, x0);
        }
        Tensor x = x0;
        java.util.List<GolfLayerPlan.Position> order = plan.positions(looping);
        Tensor a = null;
        Tensor m = null;
        for (int i = 0; i < order.size(); i++) {
            GolfLayerPlan.Position p = order.get(i);
            int src = p.skipSource();
            Tensor skipOut = src >= 0 ? outputs[src] : null;
            if (p.parallel()) {
                Tensor[] lanes = dualLanes[p.instance()].forward(step, a == null ? x : a, m == null ? x : m, x0, skipOut,
                        p.skipIndex());
                a = lanes[0];
                m = lanes[1];
                outputs[i] = null;
            } else {
                outputs[i] = blocks[p.instance()].forward(step, x, x0, skipOut, p.skipIndex());
                x = outputs[i];
            }
        }
        if (a != null) {
            x = step.rows(merged);
            ops.axpby(x, 0.5f, a, 0.5f, m);
        }
        return x;
    }

    private void prepare(int[] inputs, int[] targetIds, boolean training) {
        int t = inputs.length;
        if (t < 1 || t > maxTokens) {
            throw new IllegalArgumentException("batch of " + t + " tokens; this model was built for 1.." + maxTokens);
        }
        if (targetIds != null && targetIds.length != t) {
            throw new IllegalArgumentException(t + " inputs but " + targetIds.length + " targets");
        }
        backwardReady = false;
        if (universal != null) {
            universal.restore();
        }
        step.tokens = t;
        step.hostIds = inputs;
        step.seqLen = seqLen;
        step.training = training;
        step.ids = ids.narrow(0, t);
        ops.writeInts(step.ids, inputs);
        if (targetIds != null) {
            step.targets = targets.narrow(0, t);
            ops.writeInts(step.targets, targetIds);
        }
        int sequences = (t + seqLen - 1) / seqLen;
        int[] cu = new int[sequences + 1];
        for (int s = 1; s <= sequences; s++) {
            cu[s] = Math.min(s * seqLen, t);
        }
        step.cuSeqlens = cuSeqlens.narrow(0, cu.length);
        ops.writeInts(step.cuSeqlens, cu);
        step.kvRepeat = kvRepeat.narrow(0, t * config.numHeads());
    }

    @Override
    public void close() {
        embedding.close();
        for (GolfBlock b : blocks) {
            if (b != null) {
                b.close();
            }
        }
        for (DualLaneBlock b : dualLanes) {
            if (b != null) {
                b.close();
            }
        }
        head.close();
        if (universal != null) {
            universal.close();
        }
        rope.close();
        ws.close();
        // lane and skip gradients exist only where the plan uses them
        java.util.stream.Stream.concat(java.util.stream.Stream.of(merged, laneGradA, laneGradM), java.util.Arrays.stream(skipGrad))
                .filter(java.util.Objects::nonNull).forEach(Tensor::close);
        ids.close();
        targets.close();
        cuSeqlens.close();
        kvRepeat.close();
    }
}
