package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Shared arithmetic of the golf technique tests: perturbed parameters and a whole-model gradient check. */
final class GolfModelCheck {
    private GolfModelCheck() {
    }

    /** Moves every parameter off its init (zero and unit inits carry no gradient through some paths). */
    static void perturb(Ops ops, ParamSet params, long seed, double std) {
        Random r = new Random(seed);
        for (Param p : params.all()) {
            float[] v = ops.download(p.value());
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (r.nextGaussian() * std);
            }
            ops.write(p.value(), v);
        }
    }

    /**
     * Checks every parameter's analytic gradient against central differences at its largest-gradient
     * element and three random ones; returns the number of elements checked.
     */
    static int checkAllGradients(Ops ops, GolfGpt gpt, int[] inputs, int[] targets) {
        ParamSet params = gpt.params();
        for (Param p : params.all()) {
            ops.fill(p.grad(), 0f);
        }
        gpt.forward(inputs, targets);
        gpt.backward(1f);
        Random r = new Random(5);
        double eps = 1e-2;
        int checked = 0;
        for (Param p : params.all()) {
            float[] grad = ops.download(p.grad());
            float[] value = ops.download(p.value());
            int[] picks = new int[Math.min(grad.length, 4)];
            int best = 0;
            for (int i = 1; i < grad.length; i++) {
                if (Math.abs(grad[i]) > Math.abs(grad[best])) {
                    best = i;
                }
            }
            picks[0] = best;
            for (int j = 1; j < picks.length; j++) {
                picks[j] = grad.length <= 4 ? (best + j) % grad.length : r.nextInt(grad.length);
            }
            for (int i : picks) {
                // Richardson: (4·D(ε) − D(2ε)) / 3 cancels the ε² term of the central difference,
                // which the nonlinear input stage makes visible at ε = 1e-2 (fp32 noise forbids a smaller ε)
                double fd = (4 * central(ops, gpt, p, value, i, eps, inputs, targets)
                        - central(ops, gpt, p, value, i, 2 * eps, inputs, targets)) / 3;
                double tol = 2e-4 + 2e-2 * Math.abs(fd);
                if (Math.abs(fd - grad[i]) > tol) {
                    fail(p.name() + "[" + i + "]: analytic " + grad[i] + " vs finite difference " + fd);
                }
                checked++;
            }
            assertTrue(Math.abs(grad[best]) > 1e-4, p.name() + " has no gradient at all");
        }
        return checked;
    }

    private static double central(Ops ops, GolfGpt gpt, Param p, float[] value, int i, double eps, int[] inputs,
                                  int[] targets) {
        float orig = value[i];
        value[i] = (float) (orig + eps);
        ops.write(p.value(), value);
        double up = ops.download(gpt.evaluate(inputs, targets))[0];
        value[i] = (float) (orig - eps);
        ops.write(p.value(), value);
        double down = ops.download(gpt.evaluate(inputs, targets))[0];
        value[i] = orig;
        ops.write(p.value(), value);
        return (up - down) / (2 * eps);
    }
}
