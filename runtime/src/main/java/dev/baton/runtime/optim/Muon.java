package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * The parameter-golf baseline's Muon on one weight matrix: momentum {@code buf = μ·buf + g}, the
 * Nesterov mix {@code u = g + μ·buf}, {@link NewtonSchulz} orthogonalisation, and the step
 * {@code p −= lr · √max(1, rows/cols) · X}. No weight decay. Element-wise steps run through
 * {@code Ops.axpby}, the matrix products through {@code Ops.matmul}, so any backend runs it.
 */
public final class Muon {
    private final Ops ops;
    private final NewtonSchulz newtonSchulz;
    private final int steps;

    /**
     * @param steps Newton–Schulz iterations (the baseline's {@code MUON_BACKEND_STEPS}, 5)
     */
    public Muon(Ops ops, OptimizerKernels kernels, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("Muon needs at least one Newton-Schulz step, got " + steps);
        }
        this.ops = ops;
        this.newtonSchulz = new NewtonSchulz(ops, kernels);
        this.steps = steps;
    }

    /** A zero momentum buffer and scratch for a (rows, cols) weight. */
    public State newState(int rows, int cols) {
        return new State(ops.allocate(Shape.of(rows, cols), DType.F32), ops.allocate(Shape.of(1, rows, cols), DType.F32),
                newtonSchulz.workspace(1, rows, cols));
    }

    /** The baseline's shape correction of the step: √max(1, rows/cols). */
    public static double shapeScale(int rows, int cols) {
        return Math.sqrt(Math.max(1.0, (double) rows / cols));
    }

    /**
     * Updates {@code p} (rows, cols) in place from its gradient {@code g} (only read).
     *
     * @param lr       the scheduled learning rate (base lr times the schedule's factor)
     * @param momentum μ of this step (the baseline warms it up)
     * @param nesterov the baseline's default true
     */
    public void update(Tensor p, Tensor g, State state, double lr, double momentum, boolean nesterov) {
        Shape shape = p.shape();
        if (shape.rank() != 2 || !g.shape().equals(shape) || !state.momentum.shape().equals(shape)) {
            throw new IllegalArgumentException("Muon: weight " + shape + ", gradient " + g.shape() + " and state "
                    + state.momentum.shape() + " must be the same matrix shape");
        }
        float mu = (float) momentum;
        Tensor u = state.update.view(shape);
        ops.axpby(state.momentum, mu, state.momentum, 1f, g);
        if (nesterov) {
            ops.axpby(u, 1f, g, mu, state.momentum);
        } else {
            ops.copy(u, state.momentum);
        }
        Tensor x = newtonSchulz.apply(state.update, state.workspace, steps);
        float step = (float) (lr * shapeScale(shape.dim(0), shape.dim(1)));
        ops.axpby(p, 1f, p, -step, x.view(shape));
    }

    /** The momentum buffer of one weight and the scratch of its update; owns its buffers. */
    public static final class State implements AutoCloseable {
        private final Tensor momentum;
        private final Tensor update;
        private final NewtonSchulz.Workspace workspace;

        private State(Tensor momentum, Tensor update, NewtonSchulz.Workspace workspace) {
            this.momentum = momentum;
            this.update = update;
            this.workspace = workspace;
        }

        /** The momentum buffer (rows, cols), the baseline's {@code momentum_buffer}. */
        public Tensor momentum() {
            return momentum;
        }

        @Override
        public void close() {
            momentum.close();
            update.close();
            workspace.close();
        }
    }
}
