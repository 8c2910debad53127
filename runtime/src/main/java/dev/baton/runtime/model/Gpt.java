package dev.baton.runtime.model;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.Arrays;

/**
 * The record's GPT on any {@link Ops} backend, written out llm.c style: {@link #forward} keeps the
 * activations of every layer in buffers sized once for {@code maxTokens}, {@link #backward}
 * accumulates (+=) into the gradients of the {@link ParamSet} so micro-batches can be summed.
 *
 * <pre>{@code
 * ParamSet params = GptParams.create(ops, config, seed);
 * try (Gpt gpt = new Gpt(ops, config, params, maxTokens)) {
 *     Tensor loss = gpt.forward(batch, schedule);   // Σ_tokens Σ_k w_k CE_k, on the backend
 *     gpt.backward(1f / gradAccumSteps);
 *     float value = ops.download(loss)[0];
 *     Tensor eval = gpt.evaluate(valBatch, schedule); // mean next-token CE
 * }
 * }</pre>
 *
 * <p>The only host reads in a forward are the {@code scalars} and {@code x0_lambdas} values, once.
 * Rotary tables and softmax scales live in two {@link Yarn}s, updated by
 * {@link #applyWindowChange} when the schedule's long window changes.
 */
public final class Gpt implements AutoCloseable {
    private final Ops ops;
    private final GptConfig config;
    private final ParamSet params;
    private final int maxTokens;
    private final Workspace ws;
    private final InputStage input;
    private final Block[] blocks;
    private final OutputStage output;
    private final Yarn yarn;
    private final Yarn pairedYarn;
    private final Tensor ids;
    private final Tensor targets;
    private final Tensor cuSeqlens;
    private final int[] skipSources;
    /** Per layer: gradient flowing into its output from a later skip or the backout, or null. */
    private final Tensor[] extraGrad;
    private final Tensor[] outputs;
    private final StepContext ctx = new StepContext();
    private boolean backwardReady;

    /**
     * Builds the model over existing parameters (from {@link GptParams#create} or a checkpoint).
     *
     * @param maxTokens the longest packed sequence any forward will see (training or evaluation)
     */
    public Gpt(Ops ops, GptConfig config, ParamSet params, int maxTokens) {
        this.ops = ops;
        this.config = config;
        this.params = params;
        this.maxTokens = maxTokens;
        // the MLP bank may carry more padding than the configuration's (a sharded run's choice)
        int mlpEntries = params.get(GptParams.MLP_BANK).value().shape().dim(0);
        GptParams.shapes(config, Math.max(mlpEntries, config.numLayers())).forEach((name, shape) -> {
            if (!params.get(name).value().shape().equals(shape)) {
                throw new IllegalArgumentException("parameter " + name + " has shape " + params.get(name).value().shape()
                        + ", the configuration needs " + shape);
            }
        });
        this.ws = new Workspace(ops, config, maxTokens);
        this.input = new InputStage(ops, config, params, ws, maxTokens);
        this.blocks = new Block[config.numLayers()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new Block(ops, config, params, ws, i, maxTokens);
        }
        this.output = new OutputStage(ops, config, params, ws, maxTokens);
        this.yarn = new Yarn(ops, config.headDim(), maxTokens, false, config.blockSize(), config.initialAttnScale());
        this.pairedYarn = new Yarn(ops, config.headDim(), maxTokens, true, config.blockSize(), config.initialAttnScale());
        this.ids = ops.allocate(Shape.of(maxTokens), DType.I32);
        this.targets = ops.allocate(Shape.of(maxTokens), DType.I32);
        this.cuSeqlens = ops.allocate(Shape.of(maxTokens + 1), DType.I32);
        LayerLayout l = config.layout();
        this.skipSources = l.skipSources();
        this.extraGrad = new Tensor[blocks.length];
        for (int src : skipSources) {
            if (src >= 0 && extraGrad[src] == null) {
                extraGrad[src] = Workspace.activations(ops, maxTokens, config.modelDim());
            }
        }
        if (l.backoutLayer() >= 0 && extraGrad[l.backoutLayer()] == null) {
            extraGrad[l.backoutLayer()] = Workspace.activations(ops, maxTokens, config.modelDim());
        }
        this.outputs = new Tensor[blocks.length];
    }

    public GptConfig config() {
        return config;
    }

    public ParamSet params() {
        return params;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** Rotary state of the normal attention layers. */
    public Yarn yarn() {
        return yarn;
    }

    /** Rotary state of the paired-head layers. */
    public Yarn pairedYarn() {
        return pairedYarn;
    }

    /** YaRN for a long-window change (in blocks), on both rotary states, as the record's schedule does. */
    public void applyWindowChange(int oldLongWindow, int newLongWindow) {
        yarn.apply(oldLongWindow, newLongWindow);
        pairedYarn.apply(oldLongWindow, newLongWindow);
    }

    /** Back to the initial frequencies and softmax scale. */
    public void resetYarn() {
        yarn.reset();
        pairedYarn.reset();
    }

    /**
     * Training forward: returns the one-element loss {@code Σ_i Σ_k w_k (lse_i − z_{i, target[i+k]})}
     * (still on the backend) and keeps every activation, with dlogits, for {@link #backward}.
     */
    public Tensor forward(Batch batch, ForwardSchedule schedule) {
        prepare(batch.inputs(), batch.targets(), batch.cuSeqlens(), schedule, true);
        Tensor loss = output.loss(ctx, run(), backoutOutput());
        backwardReady = true;
        return loss;
    }

    /**
     * Evaluation forward: the mean over tokens of the next-token cross-entropy of the softcapped
     * logits (one element, on the backend). Discards the activations of a previous training forward.
     */
    public Tensor evaluate(Batch batch, ForwardSchedule schedule) {
        prepare(batch.inputs(), batch.targets(), batch.cuSeqlens(), schedule, false);
        return output.loss(ctx, run(), backoutOutput());
    }

    /**
     * Softcapped logits (T, V) of a token sequence treated as one document, for sampling: a view
     * valid until the next forward. Discards the activations of a previous training forward.
     */
    public Tensor logits(int[] tokens, ForwardSchedule schedule) {
        prepare(tokens, null, new int[] {0, tokens.length}, schedule, false);
        Tensor logits = output.logits(ctx, run(), backoutOutput());
        ops.softcap(logits, logits, config.softcapA(), config.softcapB(), config.softcapC());
        return logits;
    }

    /**
     * Backward of the latest {@link #forward}: accumulates {@code lossScale · ∂loss/∂θ} into every
     * parameter's gradient (the record's {@code loss / grad_accum_steps}).
     */
    public void backward(float lossScale) {
        if (!backwardReady) {
            throw new IllegalStateException("backward needs a training forward first (evaluate and logits "
                    + "discard the activations)");
        }
        backwardReady = false;
        for (Tensor g : extraGrad) {
            if (g != null) {
                ops.fill(ctx.rows(g), 0f);
            }
        }
        Tensor dres = ctx.rows(ws.dres);
        Tensor dx0 = ctx.rows(ws.dx0);
        int backout = config.layout().backoutLayer();
        output.backward(ctx, lossScale, dres, backout >= 0 ? ctx.rows(extraGrad[backout]) : null);
        ops.fill(dx0, 0f);
        input.startBackward(ctx);
        Tensor x0 = input.x0(ctx);
        for (int i = blocks.length - 1; i >= 0; i--) {
            if (extraGrad[i] != null) {
                ops.axpby(dres, 1f, dres, 1f, ctx.rows(extraGrad[i]));
            }
            int src = skipSources[i];
            blocks[i].backward(ctx, x0, dres, dx0, src >= 0 ? outputs[src] : null,
                    src >= 0 ? ctx.rows(extraGrad[src]) : null, input.valueEmbeds, input.dValueEmbeds);
        }
        ops.axpby(dx0, 1f, dx0, 1f, dres);
        input.backward(ctx, dx0);
    }

    private Tensor run() {
        Tensor x0 = input.forward(ctx);
        Tensor x = x0;
        for (int i = 0; i < blocks.length; i++) {
            int src = skipSources[i];
            outputs[i] = blocks[i].forward(ctx, x, x0, src >= 0 ? outputs[src] : null, input.valueEmbeds);
            x = outputs[i];
        }
        return x;
    }

    private Tensor backoutOutput() {
        int b = config.layout().backoutLayer();
        return b >= 0 ? outputs[b] : null;
    }

    private void prepare(int[] inputs, int[] targetIds, int[] cu, ForwardSchedule schedule, boolean training) {
        int t = inputs.length;
        if (t < 1 || t > maxTokens) {
            throw new IllegalArgumentException("sequence of " + t + " tokens; this model was built for 1.."
                    + maxTokens);
        }
        backwardReady = false;
        ctx.tokens = t;
        ctx.training = training;
        ctx.ids = ids.narrow(0, t);
        ops.writeInts(ctx.ids, inputs);
        if (targetIds != null) {
            ctx.targets = targets.narrow(0, t);
            ops.writeInts(ctx.targets, targetIds);
        }
        // the loader pads cu_seqlens with repeats of T; only the real boundaries matter
        int n = cu.length;
        while (n > 2 && cu[n - 1] == t && cu[n - 2] == t) {
            n--;
        }
        if (n > maxTokens + 1 || cu[0] != 0 || cu[n - 1] != t) {
            throw new IllegalArgumentException("cu_seqlens " + Arrays.toString(Arrays.copyOf(cu, Math.min(n, 8)))
                    + (n > 8 ? "..." : "") + " must start with 0 and end with the token count " + t);
        }
        ctx.cuSeqlens = cuSeqlens.narrow(0, n);
        ops.writeInts(ctx.cuSeqlens, n == cu.length ? cu : Arrays.copyOf(cu, n));
        ctx.scalars = ops.download(params.get(GptParams.SCALARS).value());
        ctx.x0Lambdas = ops.download(params.get(GptParams.X0_LAMBDAS).value());
        ctx.mtpWeights = schedule.mtpWeights();
        ctx.shortWindow = schedule.wsShort() * config.blockSize();
        ctx.longWindow = schedule.wsLong() * config.blockSize();
        ctx.yarn = yarn;
        ctx.pairedYarn = pairedYarn;
    }

    @Override
    public void close() {
        input.close();
        for (Block b : blocks) {
            b.close();
        }
        output.close();
        yarn.close();
        pairedYarn.close();
        ws.close();
        for (Tensor g : extraGrad) {
            if (g != null) {
                g.close();
            }
        }
        ids.close();
        targets.close();
        cuSeqlens.close();
    }
}
