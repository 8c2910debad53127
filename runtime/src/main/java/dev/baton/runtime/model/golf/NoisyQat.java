package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Noisy quantization-aware training (seed 004, after the depth-recurrence submission): during a
 * training forward and its backward every listed matrix is {@code W + ε}, ε uniform in
 * ±(width/2)·s per row with {@code s = max|row|/127} (the per-row int8 step of the artifact), so
 * the weights learn to tolerate rounding; the gradient is taken at the noisy point and applied to
 * the clean weights (straight-through). Evaluation always sees the clean weights. The clean copies
 * live on the backend, allocated once.
 */
final class NoisyQat implements AutoCloseable {
    private final Ops ops;
    private final Param[] params;
    private final Tensor[] clean;
    private final double width;
    private final SplittableRandom random;
    private boolean active;

    NoisyQat(Ops ops, ParamSet set, List<String> names, double width, long seed) {
        this.ops = ops;
        this.params = names.stream().map(set::get).toArray(Param[]::new);
        this.clean = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            clean[i] = ops.allocate(params[i].value().shape(), params[i].value().dtype());
        }
        this.width = width;
        this.random = new SplittableRandom(seed ^ 0x5eed4L);
    }

    /** True between {@link #perturb} and {@link #restore}. */
    boolean active() {
        return active;
    }

    /** Saves the clean weights and writes the noisy ones in their place. */
    void perturb() {
        if (active) {
            return;
        }
        for (int i = 0; i < params.length; i++) {
            Tensor w = params[i].value();
            ops.copy(clean[i], w);
            float[] v = ops.download(w);
            int cols = w.shape().cols();
            for (int r = 0; r < v.length / cols; r++) {
                float max = 0;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, Math.abs(v[r * cols + c]));
                }
                double step = max / 127.0;
                for (int c = 0; c < cols; c++) {
                    v[r * cols + c] += (float) ((random.nextDouble() - 0.5) * width * step);
                }
            }
            ops.write(w, v);
        }
        active = true;
    }

    /** Writes the clean weights back. */
    void restore() {
        if (!active) {
            return;
        }
        for (int i = 0; i < params.length; i++) {
            ops.copy(params[i].value(), clean[i]);
        }
        active = false;
    }

    @Override
    public void close() {
        for (Tensor t : clean) {
            t.close();
        }
    }
}
