package dev.baton.actors.training;

import dev.baton.runtime.train.ModelPass;
import dev.baton.runtime.train.LossSum;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.cpu.CpuTensor;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;

import java.util.Map;

/**
 * A fake model over a record-shaped {@link ParamSet}: a quadratic loss per token on one element
 * of every parameter picked by the token pair (embed and lm_head on transposed positions), so
 * gradients depend on data and weights. Stands in for Gpt until the model lands.
 */
final class MiniModel implements ModelPass {
    private final ParamSet params;
    private final Map<String, Integer> used;
    private final int dim;
    private final int vocab;

    /** @param used elements each parameter really uses (padding excluded), by parameter name */
    MiniModel(ParamSet params, Map<String, Integer> used, int dim, int vocab) {
        this.params = params;
        this.used = used;
        this.dim = dim;
        this.vocab = vocab;
    }

    @Override
    public double forwardBackward(Batch batch, float lossScale, int step) {
        int t = batch.length();
        double loss = 0;
        for (int i = 0; i < t; i++) {
            int tok = batch.inputs()[i];
            int tgt = batch.targets()[i];
            for (Param p : params.all()) {
                float y = target(p.name(), tok, tgt);
                int j = index(p.name(), tok, tgt);
                float e = CpuTensor.of(p.value()).floats()[j] - y;
                loss += 0.5 * e * e;
                CpuTensor.of(p.grad()).floats()[j] += e * lossScale / t;
            }
        }
        return loss * lossScale / t;
    }

    @Override
    public LossSum evaluate(Batch batch, int stepsDone) {
        double loss = 0;
        for (int i = 0; i < batch.length(); i++) {
            int tok = batch.inputs()[i];
            int tgt = batch.targets()[i];
            for (Param p : params.all()) {
                float e = CpuTensor.of(p.value()).floats()[index(p.name(), tok, tgt)] - target(p.name(), tok, tgt);
                loss += 0.5 * e * e;
            }
        }
        return new LossSum(loss, batch.length());
    }

    private static float target(String name, int tok, int tgt) {
        float y = (Math.floorMod(tgt * 7 + tok * 3, 11) - 5) / 20f;
        return name.equals("embed") ? y + 0.02f : y;
    }

    private int index(String name, int tok, int tgt) {
        if (name.equals("lm_head")) {
            return (tok % dim) * vocab + tgt % vocab;
        }
        if (name.equals("embed")) {
            return (tgt % vocab) * dim + tok % dim;
        }
        return (int) Math.floorMod(tok * 131L + tgt * 31L + name.length() * 7L, (long) used.get(name));
    }

    @Override
    public void close() {
    }
}
