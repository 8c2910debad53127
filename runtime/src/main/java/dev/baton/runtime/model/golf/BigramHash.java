package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * BigramHash (seed 002, records 1.1458 on): a hashed table of token pairs added to the token
 * embedding, {@code e += scale · proj(embed[h])} with {@code h = (36313·tok[t] XOR 27191·tok[t−1])
 * mod (B−1)} and the reserved bucket B−1 at the first position of every sequence (no previous token).
 *
 * <p>Parameters (the record's names): {@code bigram.embed.weight} (B, bd), zero at start so the
 * table begins as a no-op; {@code bigram.proj.weight} (d, bd), the Linear default. (The record
 * zero-inits both; a product of two zero factors has zero gradient in both, so one must start
 * non-zero for the table to ever learn.) {@code bigram.scale} (1), 0.05.
 */
final class BigramHash implements AutoCloseable {
    static final String EMBED = "bigram.embed.weight";
    static final String PROJ = "bigram.proj.weight";
    static final String SCALE = "bigram.scale";
    static final float SCALE_INIT = 0.05f;

    private final Ops ops;
    private final int buckets;
    private final Tensor table;
    private final Tensor tableGrad;
    private final Tensor proj;
    private final Tensor projGrad;
    private final Tensor scale;
    private final Tensor scaleGrad;
    private final Tensor hashed;
    private final Tensor rows;
    private final Tensor projected;
    private final Tensor dProjected;
    private final Tensor dRows;
    private Tensor hashedT;

    BigramHash(Ops ops, GolfConfig config, ParamSet params, int maxTokens) {
        this.ops = ops;
        this.buckets = config.input().bigramBuckets();
        Param e = params.get(EMBED);
        Param p = params.get(PROJ);
        Param s = params.get(SCALE);
        table = e.value();
        tableGrad = e.grad();
        proj = p.value();
        projGrad = p.grad();
        scale = s.value();
        scaleGrad = s.grad();
        int bd = config.input().bigramDim();
        int d = config.modelDim();
        hashed = ops.allocate(Shape.of(maxTokens), DType.I32);
        rows = GolfWorkspace.activations(ops, maxTokens, bd);
        projected = GolfWorkspace.activations(ops, maxTokens, d);
        dProjected = GolfWorkspace.activations(ops, maxTokens, d);
        dRows = GolfWorkspace.activations(ops, maxTokens, bd);
    }

    /** The bucket of every position: B−1 at sequence starts, else the hash of (previous, current). */
    static int[] buckets(int[] ids, int seqLen, int buckets) {
        int[] h = new int[ids.length];
        int mod = buckets - 1;
        for (int t = 0; t < ids.length; t++) {
            h[t] = t % seqLen == 0 ? mod : Math.floorMod((36313 * ids[t]) ^ (27191 * ids[t - 1]), mod);
        }
        return h;
    }

    /** {@code e += scale · proj(embed[h])} over the step's rows. */
    void forward(GolfStep step, Tensor e) {
        hashedT = hashed.narrow(0, step.tokens);
        ops.writeInts(hashedT, buckets(step.hostIds, step.seqLen, buckets));
        Tensor r = step.rows(rows);
        Tensor p = step.rows(projected);
        ops.embeddingForward(table, hashedT, r);
        ops.matmul(r, false, proj, true, p, 1f, 0f);
        ops.scaledAdd(e, e, p, scale);
    }

    /** Accumulates the three parameters' gradients from {@code de}, the gradient of e. */
    void backward(GolfStep step, Tensor de) {
        Tensor r = step.rows(rows);
        Tensor dp = step.rows(dProjected);
        Tensor dr = step.rows(dRows);
        ops.scaledAddBackward(de, step.rows(projected), scale, dp, false, scaleGrad);
        ops.matmul(dp, true, r, false, projGrad, 1f, 1f);
        ops.matmul(dp, false, proj, false, dr, 1f, 0f);
        ops.embeddingBackward(dr, hashedT, tableGrad);
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {hashed, rows, projected, dProjected, dRows}) {
            t.close();
        }
    }
}
