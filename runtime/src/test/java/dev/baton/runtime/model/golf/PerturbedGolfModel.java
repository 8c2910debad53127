package dev.baton.runtime.model.golf;

import dev.baton.runtime.model.ParamPerturbation;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;

import java.util.Random;

/**
 * Test fixture: a golf model on a micro configuration with every parameter moved off its init
 * (so every path carries gradient) and a fixed batch of 20 tokens (three sequences of 8, 8 and 4 at
 * seqLen 8) over vocabulary 64; it owns its two-thread CPU backend, the parameters and the model
 * and closes all three.
 */
final class PerturbedGolfModel implements AutoCloseable {
    final CpuOps ops = new CpuOps(2);
    final ParamSet params;
    final GolfGpt gpt;
    final int[] inputs = new int[20];
    final int[] targets = new int[20];

    /** Parameters from init seed 3, then N(0, 0.3²) noise and the batch drawn from one Random(17). */
    PerturbedGolfModel(GolfConfig config) {
        params = GolfParams.create(ops, config, 3);
        Random r = new Random(17);
        ParamPerturbation.perturb(ops, params, r, 0.3);
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = r.nextInt(64);
            targets[i] = r.nextInt(64);
        }
        gpt = new GolfGpt(ops, config, params, 8, 24);
    }

    /** The training loss of the batch at the current parameter values. */
    double loss() {
        return ops.download(gpt.forward(inputs, targets))[0];
    }

    @Override
    public void close() {
        gpt.close();
        params.close();
        ops.close();
    }
}
