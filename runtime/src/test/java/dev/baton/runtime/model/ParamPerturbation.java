package dev.baton.runtime.model;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;

import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * Test fixture: moves every parameter off its init by Gaussian noise, because zero and unit inits
 * carry no gradient through some paths and make some outputs independent of some inputs.
 */
public final class ParamPerturbation {
    private ParamPerturbation() {
    }

    /** Adds N(0, std²) noise drawn from {@code random} to every element, parameter by parameter. */
    public static void perturb(Ops ops, ParamSet params, Random random, double std) {
        perturb(ops, params, random, p -> std);
    }

    /** As {@link #perturb(Ops, ParamSet, Random, double)} with a standard deviation per parameter. */
    public static void perturb(Ops ops, ParamSet params, Random random, ToDoubleFunction<Param> std) {
        for (Param p : params.all()) {
            double s = std.applyAsDouble(p);
            float[] v = ops.download(p.value());
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (random.nextGaussian() * s);
            }
            ops.write(p.value(), v);
        }
    }
}
