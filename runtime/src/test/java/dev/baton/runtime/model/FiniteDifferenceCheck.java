package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;

import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test fixture: checks a whole model's analytic parameter gradients against finite differences of
 * its loss, element by element, so every gradient test shares one perturb-and-restore loop while
 * stating its own picks, step, tolerance and no-gradient assertion.
 *
 * <p>The caller zeroes the gradients ({@link #zeroGrads}), runs forward and backward once, then calls
 * {@link #checkAll}; the loss supplier must re-run the forward pass on the current parameter values.
 */
public final class FiniteDifferenceCheck {
    /** Which elements of one parameter to check, given its gradient and largest-gradient element. */
    @FunctionalInterface
    public interface Picks {
        int[] choose(float[] grad, int largest, Random random);
    }

    /** Asserts something of a parameter once its elements are checked (e.g. that it has a gradient). */
    @FunctionalInterface
    public interface ParamAssertion {
        void check(Param param, float largestGradient);
    }

    private final Ops ops;
    private final DoubleSupplier loss;
    private final double eps;
    private final boolean richardson;

    private FiniteDifferenceCheck(Ops ops, DoubleSupplier loss, double eps, boolean richardson) {
        this.ops = ops;
        this.loss = loss;
        this.eps = eps;
        this.richardson = richardson;
    }

    /** Central differences (L(x + ε) − L(x − ε)) / 2ε. */
    public static FiniteDifferenceCheck central(Ops ops, DoubleSupplier loss, double eps) {
        return new FiniteDifferenceCheck(ops, loss, eps, false);
    }

    /**
     * Richardson extrapolation (4·D(ε) − D(2ε)) / 3 of central differences: cancels the ε² term where a
     * nonlinear stage makes it visible at an ε that fp32 noise forbids making smaller.
     */
    public static FiniteDifferenceCheck richardson(Ops ops, DoubleSupplier loss, double eps) {
        return new FiniteDifferenceCheck(ops, loss, eps, true);
    }

    /** Zeroes every parameter's gradient before the analytic forward and backward. */
    public static void zeroGrads(Ops ops, ParamSet params) {
        for (Param p : params.all()) {
            ops.fill(p.grad(), 0f);
        }
    }

    /**
     * The largest-gradient element, then: a gradient of at most {@code whole} elements is checked at
     * its elements 1.., a larger one at {@code count - 1} random elements.
     */
    public static Picks smallWhole(int whole, int count) {
        return (grad, largest, random) -> {
            int[] picks = new int[grad.length <= whole ? grad.length : count];
            picks[0] = largest;
            for (int j = 1; j < picks.length; j++) {
                picks[j] = grad.length <= whole ? j : random.nextInt(grad.length);
            }
            return picks;
        };
    }

    /**
     * The largest-gradient element, then: a gradient of at most {@code count} elements is checked whole
     * (from the largest on, wrapping), a larger one at {@code count - 1} random elements.
     */
    public static Picks wrappingWhole(int count) {
        return (grad, largest, random) -> {
            int[] picks = new int[Math.min(grad.length, count)];
            picks[0] = largest;
            for (int j = 1; j < picks.length; j++) {
                picks[j] = grad.length <= count ? (largest + j) % grad.length : random.nextInt(grad.length);
            }
            return picks;
        };
    }

    /** The largest-gradient element and {@code count - 1} random ones, whatever the parameter's size. */
    public static Picks largestAndRandom(int count) {
        return (grad, largest, random) -> {
            int[] picks = new int[count];
            picks[0] = largest;
            for (int j = 1; j < count; j++) {
                picks[j] = random.nextInt(grad.length);
            }
            return picks;
        };
    }

    /**
     * Compares every parameter's analytic gradient with the finite difference at the picked elements,
     * failing where |fd − analytic| > atol + rtol·|fd|; then runs {@code after} on the parameter.
     *
     * @param label added to a failure message (e.g. the case), or empty
     * @return the number of elements checked
     */
    public int checkAll(ParamSet params, Picks picks, Random random, double atol, double rtol, String label,
                        ParamAssertion after) {
        int checked = 0;
        for (Param p : params.all()) {
            float[] grad = ops.download(p.grad());
            float[] value = ops.download(p.value());
            int largest = largest(grad);
            for (int i : picks.choose(grad, largest, random)) {
                double fd = richardson
                        ? (4 * difference(p, value, i, eps) - difference(p, value, i, 2 * eps)) / 3
                        : difference(p, value, i, eps);
                if (Math.abs(fd - grad[i]) > atol + rtol * Math.abs(fd)) {
                    fail(p.name() + "[" + i + "]" + label + ": analytic " + grad[i] + " vs finite difference " + fd);
                }
                checked++;
            }
            after.check(p, grad[largest]);
        }
        return checked;
    }

    private static int largest(float[] grad) {
        int best = 0;
        for (int i = 1; i < grad.length; i++) {
            if (Math.abs(grad[i]) > Math.abs(grad[best])) {
                best = i;
            }
        }
        return best;
    }

    /** Central difference at element i of p with step h; leaves the parameter as it found it. */
    private double difference(Param p, float[] value, int i, double h) {
        float orig = value[i];
        value[i] = (float) (orig + h);
        ops.write(p.value(), value);
        double up = loss.getAsDouble();
        value[i] = (float) (orig - h);
        ops.write(p.value(), value);
        double down = loss.getAsDouble();
        value[i] = orig;
        ops.write(p.value(), value);
        return (up - down) / (2 * h);
    }
}
