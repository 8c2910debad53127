package dev.baton.runtime.model.golf;

import dev.baton.runtime.model.FiniteDifferenceCheck;
import dev.baton.runtime.model.ParamPerturbation;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.ParamSet;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared arithmetic of the golf technique tests: perturbed parameters and a whole-model gradient check. */
final class GolfModelCheck {
    private GolfModelCheck() {
    }

    /** Moves every parameter off its init (zero and unit inits carry no gradient through some paths). */
    static void perturb(Ops ops, ParamSet params, long seed, double std) {
        ParamPerturbation.perturb(ops, params, new Random(seed), std);
    }

    /**
     * Checks every parameter's analytic gradient against finite differences of the evaluation loss at
     * its largest-gradient element and three random ones; returns the number of elements checked.
     */
    static int checkAllGradients(Ops ops, GolfGpt gpt, int[] inputs, int[] targets) {
        ParamSet params = gpt.params();
        FiniteDifferenceCheck.zeroGrads(ops, params);
        gpt.forward(inputs, targets);
        gpt.backward(1f);
        // Richardson: the nonlinear input stage makes the ε² term of the central difference visible at
        // ε = 1e-2 (fp32 noise forbids a smaller ε)
        return FiniteDifferenceCheck.richardson(ops, () -> ops.download(gpt.evaluate(inputs, targets))[0], 1e-2)
                .checkAll(params, FiniteDifferenceCheck.wrappingWhole(4), new Random(5), 2e-4, 2e-2, "",
                        (p, largest) -> assertTrue(Math.abs(largest) > 1e-4, p.name() + " has no gradient at all"));
    }
}
