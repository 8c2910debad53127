package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * Rotary tables and softmax scale of the record's Yarn / YarnPairedHead: half-truncated RoPE
 * (frequencies (1/1024)^(j/(hd/4−1)) on dimension pairs, zero on the second half of each head),
 * stretched by YaRN whenever the long window grows.
 *
 * <p>The normal tables have width hd, row t holding angle t·f. The paired tables have width 2·hd,
 * row t holding angles (2t)·f then (2t+1)·f, for q/k viewed as (T, H/2, 2·hd). The sine table has
 * odd columns negated (the record's {@code factor2}). Frequencies, angles and the tables follow the
 * record's fp32 arithmetic; the tables are kept in fp32 (the record rounds them to bf16).
 */
public final class Yarn implements AutoCloseable {
    private final Ops ops;
    private final int headDim;
    private final int positions;
    private final boolean paired;
    private final int blockSize;
    private final double initialScale;
    private final Tensor cos;
    private final Tensor sin;
    private final float[] freq;
    private double attnScale;

    /**
     * @param positions rows of the tables: the longest packed sequence a forward will see
     * @param paired    build the 2·hd-wide paired-head tables
     */
    public Yarn(Ops ops, int headDim, int positions, boolean paired, int blockSize, double initialScale) {
        this.ops = ops;
        this.headDim = headDim;
        this.positions = positions;
        this.paired = paired;
        this.blockSize = blockSize;
        this.initialScale = initialScale;
        int width = paired ? 2 * headDim : headDim;
        this.cos = ops.allocate(Shape.of(positions, width), DType.F32);
        this.sin = ops.allocate(Shape.of(positions, width), DType.F32);
        this.freq = new float[headDim];
        reset();
    }

    /** The record's initial frequencies and scale 0.1 (called before real training). */
    public void reset() {
        int quarter = headDim / 4;
        // torch.linspace(0, 1, quarter) in fp32: start + i·step for the first half, end − (n−1−i)·step after
        float step = quarter > 1 ? 1f / (quarter - 1) : 0f;
        for (int i = 0; i < quarter; i++) {
            float x = i < quarter / 2 ? i * step : 1f - (quarter - 1 - i) * step;
            float f = (float) Math.pow((double) (float) (1.0 / 1024), x);
            freq[2 * i] = f;
            freq[2 * i + 1] = f;
        }
        for (int i = 2 * quarter; i < headDim; i++) {
            freq[i] = 0f;
        }
        attnScale = initialScale;
        rebuild();
    }

    /**
     * YaRN for a long-window change old → new (in blocks): frequencies with at most one rotation over
     * the old window are scaled by old/new, those with 32 or more are kept, linear in between; the
     * softmax scale is multiplied by {@code 0.2·ln(new/old) + 1}.
     */
    public void apply(int oldWindow, int newWindow) {
        float s = (float) ((double) oldWindow / newWindow);
        float oneMinus = (float) (1.0 - (double) oldWindow / newWindow);
        float span = (float) (blockSize * oldWindow);
        float twoPi = (float) (2 * Math.PI);
        for (int i = 0; i < headDim; i++) {
            float rotations = span * freq[i] / twoPi;
            float w = Math.min(1f, Math.max(0f, (rotations - 1f) / 31f));
            freq[i] *= s + w * oneMinus;
        }
        attnScale *= 0.2 * Math.log((double) newWindow / oldWindow) + 1;
        rebuild();
    }

    private void rebuild() {
        int width = paired ? 2 * headDim : headDim;
        float[] c = new float[positions * width];
        float[] sn = new float[positions * width];
        for (int t = 0; t < positions; t++) {
            if (paired) {
                fill(c, sn, t * width, 2f * t);
                fill(c, sn, t * width + headDim, 2f * t + 1f);
            } else {
                fill(c, sn, t * width, t);
            }
        }
        ops.write(cos, c);
        ops.write(sin, sn);
    }

    private void fill(float[] c, float[] sn, int at, float position) {
        for (int i = 0; i < headDim; i++) {
            float theta = position * freq[i];
            c[at + i] = (float) Math.cos(theta);
            float s = (float) Math.sin(theta);
            sn[at + i] = (i & 1) == 1 ? -s : s;
        }
    }

    /** The cos table (positions, width). */
    public Tensor cos() {
        return cos;
    }

    /** The sin table with odd columns negated (positions, width). */
    public Tensor sin() {
        return sin;
    }

    /** The current softmax scale (the record's {@code yarn.attn_scale}). */
    public double attnScale() {
        return attnScale;
    }

    /** A copy of the current per-dimension angular frequencies (hd entries). */
    public float[] angularFrequencies() {
        return freq.clone();
    }

    public boolean paired() {
        return paired;
    }

    @Override
    public void close() {
        cos.close();
        sin.close();
    }
}
