package dev.baton.runtime.golf;

import dev.baton.runtime.golf.artifact.Codec;
import dev.baton.runtime.golf.artifact.GolfArtifact;
import dev.baton.runtime.golf.artifact.QuantPolicy;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.golf.artifact.StoredTensor;
import dev.baton.runtime.golf.bpb.BitsPerByte;
import dev.baton.runtime.golf.bpb.ByteTables;
import dev.baton.runtime.golf.eval.EvalWindows;
import dev.baton.runtime.golf.eval.GolfEvaluator;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golf model through the artifact: quantised, compressed with each codec, written, read back
 * and dequantised, it evaluates to exactly the score of the dequantised weights held in memory, and
 * close to (but not equal to) the unquantised model's.
 */
class GolfArtifactRoundTripTest {
    private static final CpuOps OPS = new CpuOps(2);
    private static final GolfConfig CONFIG = GolfConfig.of(260, 3, 32, 4, 2, 2);
    private static final int SEQ = 16;
    /** The baseline's rules with a small float threshold, so that this small model's matrices go int8. */
    private static final QuantPolicy POLICY = new QuantPolicy(256, QuantPolicy.CONTROL_PATTERNS, 99.99984 / 100.0);

    @TempDir
    Path dir;

    @AfterAll
    static void close() {
        OPS.close();
    }

    private static BitsPerByte score(List<StateTensor> state, int[] stream) {
        try (ParamSet params = GolfParams.allocate(OPS, CONFIG); GolfGpt gpt = new GolfGpt(OPS, CONFIG, params, SEQ, 4 * SEQ)) {
            GolfWeights.load(state, params, OPS);
            return new GolfEvaluator(OPS, gpt, ByteTables.byte260()).evaluate(stream, EvalWindows.sequences(stream.length, SEQ));
        }
    }

    @Test
    void theArtifactEvaluatesExactlyAsTheDequantisedWeightsInMemory() throws Exception {
        Random r = new Random(12);
        int[] stream = new int[8 * SEQ + 1];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = i % 40 == 0 ? 1 : 4 + r.nextInt(256);
        }
        List<StateTensor> state;
        try (ParamSet params = GolfParams.create(OPS, CONFIG, 4)) {
            for (Param p : params.all()) {
                float[] v = OPS.download(p.value());
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (r.nextGaussian() * 0.1);
                }
                OPS.write(p.value(), v);
            }
            state = StateTensor.of(OPS, params);
        }
        List<StoredTensor> stored = GolfArtifact.quantize(state, POLICY);
        assertTrue(stored.stream().anyMatch(s -> s instanceof StoredTensor.Int8PerRow), "matrices are int8 per row");
        assertTrue(stored.stream().anyMatch(s -> s instanceof StoredTensor.Fp32), "control tensors stay fp32");
        List<StateTensor> inMemory = GolfArtifact.restore(stored);
        BitsPerByte expected = score(inMemory, stream);
        BitsPerByte original = score(state, stream);
        assertNotEquals(original.lossNats(), expected.lossNats(), "int8 changed the weights");
        assertEquals(original.valLoss(), expected.valLoss(), 0.02 * original.valLoss());
        int codecs = 0;
        for (Codec codec : Codec.values()) {
            if (!codec.available()) {
                continue;
            }
            Path file = dir.resolve("model." + codec.label() + ".ptz");
            long size = GolfArtifact.write(file, stored, codec);
            assertEquals(java.nio.file.Files.size(file), size);
            List<StateTensor> back = GolfArtifact.restore(GolfArtifact.read(file));
            for (int i = 0; i < back.size(); i++) {
                assertEquals(inMemory.get(i).name(), back.get(i).name());
                assertArrayEquals(inMemory.get(i).values(), back.get(i).values(), 0f, back.get(i).name());
            }
            // the restored weights are bit for bit the in-memory ones (above), so the score is the same
            // function of the same values; only the JIT's vectorised exp (an intrinsic once compiled,
            // Math.exp before) may move the last bits of a sum between two evaluations
            BitsPerByte got = score(back, stream);
            assertEquals(expected.tokens(), got.tokens());
            assertEquals(expected.bytes(), got.bytes());
            assertEquals(expected.lossNats(), got.lossNats(), 1e-7 * expected.lossNats(), codec.label());
            codecs++;
        }
        assertTrue(codecs >= 2, "zlib and xz are always available");
    }
}
