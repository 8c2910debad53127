package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

/**
 * A block with dual-lane parallel residuals (the 1.0752 record's "improved parallel residuals",
 * GPT-J style attention and MLP side by side, each on its own residual lane). With lanes a (read by
 * attention) and m (read by the MLP):
 * <pre>
 *   a += skip_weights[j] ⊙ skip,  m += lane_skip_weights[j] ⊙ skip       (lane-specific U-net skips)
 *   a_in = resid_mix[0] ⊙ a + resid_mix[1] ⊙ x0,  m_in likewise
 *   A = attn_scale ⊙ attn(norm(a_in)),  M = mlp_scale ⊙ mlp(norm(m_in))
 *   a' = a_in + λ[0]·A + λ[2]·M,  m' = m_in + λ[1]·A + λ[3]·M
 * </pre>
 * with {@code λ = lane_mix = (attn_to_attn, attn_to_mlp, mlp_to_attn, mlp_to_mlp)}, initialised to 1.
 * The lanes start equal (the stream entering the first such block) and are averaged after the last,
 * so at initialisation the block is GPT-J's {@code x + A(x) + M(x)}.
 */
final class DualLaneBlock implements AutoCloseable {
    private final Ops ops;
    private final GolfAttention attention;
    private final GolfMlp mlp;
    private final Param mix;
    private final Param lanes;
    private final Param skip;
    private final Param laneSkip;
    private final Tensor aSkip;
    private final Tensor mSkip;
    private final Tensor aIn;
    private final Tensor mIn;
    private final Tensor attnOut;
    private final Tensor mlpOut;
    private final Tensor aOut;
    private final Tensor mOut;
    private final Tensor gradA;
    private final Tensor gradM;
    private Tensor inputA;
    private Tensor inputM;

    DualLaneBlock(Ops ops, GolfConfig config, ParamSet params, GolfWorkspace ws, GolfRope rope, int layer,
                  int maxTokens) {
        this.ops = ops;
        this.attention = new GolfAttention(ops, config, params, ws, rope, layer, maxTokens);
        this.mlp = new GolfMlp(ops, config, params, ws, layer, maxTokens);
        this.mix = params.get(GolfParams.block(layer, GolfParams.RESID_MIX));
        this.lanes = params.get(GolfParams.block(layer, GolfParams.LANE_MIX));
        this.skip = params.get(GolfParams.SKIP_WEIGHTS);
        this.laneSkip = params.get(GolfParams.LANE_SKIP_WEIGHTS);
        int d = config.modelDim();
        Tensor[] buffers = new Tensor[10];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = GolfWorkspace.activations(ops, maxTokens, d);
        }
        aSkip = buffers[0];
        mSkip = buffers[1];
        aIn = buffers[2];
        mIn = buffers[3];
        attnOut = buffers[4];
        mlpOut = buffers[5];
        aOut = buffers[6];
        mOut = buffers[7];
        gradA = buffers[8];
        gradM = buffers[9];
    }

    private static Tensor row(Param p, int i) {
        return p.value().narrow(i, 1);
    }

    private static Tensor gradRow(Param p, int i) {
        return p.grad().narrow(i, 1);
    }

    /**
     * Runs the block on lanes {@code a} and {@code m}; returns the output lanes {a', m'} (rows of
     * this block's buffers). {@code skipOut} and {@code skipIndex} as in {@link GolfBlock#forward}.
     */
    Tensor[] forward(GolfStep step, Tensor a, Tensor m, Tensor x0, Tensor skipOut, int skipIndex) {
        Tensor la = a;
        Tensor lm = m;
        if (skipIndex >= 0) {
            la = step.rows(aSkip);
            lm = step.rows(mSkip);
            ops.scaledAdd(la, a, skipOut, row(skip, skipIndex));
            ops.scaledAdd(lm, m, skipOut, row(laneSkip, skipIndex));
        }
        inputA = la;
        inputM = lm;
        Tensor ai = step.rows(aIn);
        Tensor mi = step.rows(mIn);
        for (Tensor[] io : new Tensor[][] {{ai, la}, {mi, lm}}) {
            ops.scaledAdd(io[0], null, io[1], row(mix, 0));
            ops.scaledAdd(io[0], io[0], x0, row(mix, 1));
        }
        Tensor attn = step.rows(attnOut);
        Tensor mm = step.rows(mlpOut);
        attention.forwardBranch(step, ai, attn);
        mlp.forwardBranch(step, mi, mm);
        Tensor ao = step.rows(aOut);
        Tensor mo = step.rows(mOut);
        ops.scaledAdd(ao, ai, attn, row(lanes, 0));
        ops.scaledAdd(ao, ao, mm, row(lanes, 2));
        ops.scaledAdd(mo, mi, attn, row(lanes, 1));
        ops.scaledAdd(mo, mo, mm, row(lanes, 3));
        return new Tensor[] {ao, mo};
    }

    /**
     * On entry {@code da} and {@code dm} are the gradients of the output lanes; on return, of the
     * input lanes. Adds x0's gradient into {@code dx0} and the skip source's into {@code dSkip}.
     */
    void backward(GolfStep step, Tensor x0, Tensor da, Tensor dm, Tensor dx0, Tensor skipOut, Tensor dSkip,
                  int skipIndex) {
        Tensor attn = step.rows(attnOut);
        Tensor mm = step.rows(mlpOut);
        Tensor ga = step.rows(gradA);
        Tensor gm = step.rows(gradM);
        // gradients of the branch outputs A and M through the four lane weights
        ops.scaledAddBackward(da, attn, row(lanes, 0), ga, false, gradRow(lanes, 0));
        ops.scaledAddBackward(dm, attn, row(lanes, 1), ga, true, gradRow(lanes, 1));
        ops.scaledAddBackward(da, mm, row(lanes, 2), gm, false, gradRow(lanes, 2));
        ops.scaledAddBackward(dm, mm, row(lanes, 3), gm, true, gradRow(lanes, 3));
        // d(a_in) = da + Jᵀ·gA: the branch backward leaves gA + Jᵀ·gA in its buffer
        ops.axpby(da, 1f, da, -1f, ga);
        attention.backward(step, step.rows(aIn), ga);
        ops.axpby(da, 1f, da, 1f, ga);
        ops.axpby(dm, 1f, dm, -1f, gm);
        mlp.backward(step, step.rows(mIn), gm);
        ops.axpby(dm, 1f, dm, 1f, gm);
        // a_in = mix0 ⊙ a + mix1 ⊙ x0, per lane with the shared resid_mix
        for (Tensor[] io : new Tensor[][] {{da, inputA}, {dm, inputM}}) {
            ops.scaledAddBackward(io[0], x0, row(mix, 1), dx0, true, gradRow(mix, 1));
            ops.scaledAddBackward(io[0], io[1], row(mix, 0), io[0], false, gradRow(mix, 0));
        }
        if (skipIndex >= 0) {
            ops.scaledAddBackward(da, skipOut, row(skip, skipIndex), dSkip, true, gradRow(skip, skipIndex));
            ops.scaledAddBackward(dm, skipOut, row(laneSkip, skipIndex), dSkip, true, gradRow(laneSkip, skipIndex));
        }
    }

    @Override
    public void close() {
        attention.close();
        mlp.close();
        for (Tensor t : new Tensor[] {aSkip, mSkip, aIn, mIn, attnOut, mlpOut, aOut, mOut, gradA, gradM}) {
            t.close();
        }
    }
}
