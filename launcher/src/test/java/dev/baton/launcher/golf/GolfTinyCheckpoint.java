package dev.baton.launcher.golf;

import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.runtime.golf.GolfWeights;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Test fixture: a golf-tiny checkpoint with random (not initial) weights and no weight average, for
 * the commands that read one ({@code baton export --golf}, {@code baton eval --checkpoint}); random
 * weights make the quantization round trip and the scores non-trivial without a training run.
 */
final class GolfTinyCheckpoint {
    private GolfTinyCheckpoint() {
    }

    /**
     * Writes {@code work/ckpt/}{@value GolfWeights#WEIGHTS_FILE}: golf-tiny parameters from init
     * {@code seed} plus N(0, 0.05²) noise drawn from {@code Random(seed)}; returns the weights file.
     */
    static Path write(Path work, long seed) {
        GolfSettings golf = GolfSettings.of(
                ConfigLoader.fromClasspath().load(ConfigRequest.profile("golf-tiny")).settings());
        Path weights = work.resolve("ckpt").resolve(GolfWeights.WEIGHTS_FILE);
        try (CpuOps ops = new CpuOps(2); ParamSet params = GolfParams.create(ops, golf.model(), seed)) {
            Random r = new Random(seed);
            for (Param p : params.all()) {
                float[] v = ops.download(p.value());
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (r.nextGaussian() * 0.05);
                }
                ops.write(p.value(), v);
            }
            GolfWeights.save(weights, ops, params, null, Map.of());
        }
        return weights;
    }
}
