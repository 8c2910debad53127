package dev.baton.runtime.golf.quant;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.golf.GolfWeights;
import dev.baton.runtime.golf.artifact.ArtifactException;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small golf model through GPTQ calibration and the version-2 artifact: every matrix gets a
 * Hessian from the model's own forward, the int6 artifact evaluates exactly as the dequantised
 * weights in memory, is smaller than the same model's int8 artifact, and a damaged one is refused
 * with one message.
 */
class GolfGptqArtifactTest {
    private static final CpuOps OPS = new CpuOps(2);
    private static final GolfConfig CONFIG = GolfConfig.of(260, 3, 64, 4, 2, 2);
    private static final int SEQ = 32;
    /** The records' GPTQ with a float threshold small enough that this model's matrices are quantised. */
    private static final GptqConfig GPTQ = new GptqConfig(6, 8, 12.85, 20.0, 0.01, true, 128, false, 1024, 4, 2, true);
    private static List<StateTensor> state;
    private static Map<String, double[]> hessians;
    private static int[] stream;

    @BeforeAll
    static void calibrate() {
        Random r = new Random(21);
        stream = new int[8 * SEQ + 1];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = i % 50 == 0 ? 1 : 4 + r.nextInt(256);
        }
        try (ParamSet params = GolfParams.create(OPS, CONFIG, 4);
             GolfGpt gpt = new GolfGpt(OPS, CONFIG, params, SEQ, 4 * SEQ)) {
            for (Param p : params.all()) {
                float[] v = OPS.download(p.value());
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (r.nextGaussian() * 0.05);
                }
                OPS.write(p.value(), v);
            }
            state = StateTensor.of(OPS, params);
            int[] at = {0};
            hessians = HessianCollector.collect(OPS, gpt, () -> {
                int[] in = new int[4 * SEQ];
                int[] tg = new int[4 * SEQ];
                for (int i = 0; i < in.length; i++) {
                    in[i] = 4 + (at[0] * 7 + i * 13) % 256;
                    tg[i] = 4 + (at[0] * 7 + i * 13 + 13) % 256;
                }
                at[0]++;
                return new Batch(in, tg, new int[] {0, in.length});
            }, GPTQ.calibrationBatches());
        }
    }

    @AfterAll
    static void close() {
        OPS.close();
    }

    private static BitsPerByte score(List<StateTensor> weights) {
        try (ParamSet params = GolfParams.allocate(OPS, CONFIG); GolfGpt gpt = new GolfGpt(OPS, CONFIG, params, SEQ, 4 * SEQ)) {
            GolfWeights.load(weights, params, OPS);
            return new GolfEvaluator(OPS, gpt, ByteTables.byte260()).evaluate(stream, EvalWindows.sequences(stream.length, SEQ));
        }
    }

    @Test
    void calibrationGivesEveryMatrixAHessianOfItsInputWidth() {
        for (StateTensor t : state) {
            if (t.shape().length == 2 && (t.name().contains(".weight"))) {
                double[] h = hessians.get(t.name());
                assertTrue(h != null, t.name() + " has a Hessian");
                assertEquals((long) t.shape()[1] * t.shape()[1], h.length, t.name());
                // XᵀX is symmetric with a non-negative diagonal
                int n = t.shape()[1];
                assertEquals(h[1], h[n], 1e-3 * Math.abs(h[1]) + 1e-6, t.name());
                assertTrue(h[0] >= 0, t.name());
            }
        }
        // c_q, c_k and c_v read the same normalised input
        assertTrue(hessians.get(GolfParams.block(1, GolfParams.C_Q)) == hessians.get(GolfParams.block(1, GolfParams.C_V)));
        // the head's input is the final norm's output: T rows of RMS 1, so trace(H) = T·d = batches·4·SEQ·d
        double trace = 0;
        double[] emb = hessians.get(GolfParams.TOK_EMB);
        for (int i = 0; i < CONFIG.modelDim(); i++) {
            trace += emb[i * CONFIG.modelDim() + i];
        }
        assertEquals(GPTQ.calibrationBatches() * 4.0 * SEQ * CONFIG.modelDim(), trace, 1e-3 * trace);
    }

    @Test
    void theInt6ArtifactEvaluatesExactlyAsTheDequantisedWeightsAndIsSmallerThanInt8() {
        List<StoredTensor> stored = GptqQuantizer.quantize(state, hessians, GPTQ);
        assertTrue(stored.stream().anyMatch(s -> s instanceof StoredTensor.Int6PerRow), "block matrices are int6");
        StoredTensor emb = stored.stream().filter(s -> s.name().equals(GolfParams.TOK_EMB)).findFirst().orElseThrow();
        assertTrue(emb instanceof StoredTensor.Int8PerRow, "the embedding is int8");
        List<StateTensor> inMemory = GolfArtifact.restore(stored);
        BitsPerByte expected = score(inMemory);
        BitsPerByte original = score(state);
        assertEquals(original.valLoss(), expected.valLoss(), 0.05 * original.valLoss());
        Codec codec = Codec.BROTLI.available() ? Codec.BROTLI : Codec.XZ;
        byte[] file = GolfArtifact.encode(stored, codec, GPTQ.shuffleStride());
        List<StateTensor> back = GolfArtifact.restore(GolfArtifact.decode(file, "int6"));
        for (int i = 0; i < back.size(); i++) {
            assertArrayEquals(inMemory.get(i).values(), back.get(i).values(), 0f, back.get(i).name());
        }
        BitsPerByte got = score(back);
        assertEquals(expected.tokens(), got.tokens());
        assertEquals(expected.lossNats(), got.lossNats(), 1e-7 * expected.lossNats());
        // the same model as the baseline's int8 (same float threshold), same codec
        List<StoredTensor> int8 = GolfArtifact.quantize(state, new QuantPolicy(GPTQ.keepFloatMaxNumel(),
                QuantPolicy.CONTROL_PATTERNS, 99.99984 / 100.0));
        byte[] int8File = GolfArtifact.encode(int8, codec);
        System.out.printf(Locale.ROOT, "golf %dx%d (%s): int8 artifact %,d B, gptq-int6 %,d B; val_loss %.5f fp32, "
                        + "%.5f int6 round trip%n", CONFIG.numLayers(), CONFIG.modelDim(), codec.label(), int8File.length,
                file.length, original.valLoss(), got.valLoss());
        assertTrue(file.length < 0.9 * int8File.length, "int6 " + file.length + " vs int8 " + int8File.length);
    }

    @Test
    void aDamagedVersion2ArtifactIsRefusedWithOneMessage() {
        List<StoredTensor> stored = GptqQuantizer.quantize(state, hessians, GPTQ);
        byte[] file = GolfArtifact.encode(stored, Codec.ZLIB, GPTQ.shuffleStride());
        byte[] truncated = Arrays.copyOf(file, file.length - 100);
        ArtifactException t = assertThrows(ArtifactException.class, () -> GolfArtifact.decode(truncated, "m.ptz"));
        assertEquals("golf artifact m.ptz is unusable: it is truncated: the header announces " + (file.length - 40)
                + " payload bytes and " + (file.length - 140) + " are present; export it again with `baton export "
                + "--golf`", t.getMessage());
        byte[] flipped = file.clone();
        flipped[file.length / 2] ^= 0x10;
        ArtifactException c = assertThrows(ArtifactException.class, () -> GolfArtifact.decode(flipped, "m.ptz"));
        assertEquals("golf artifact m.ptz is unusable: it is corrupt: the payload checksum does not match; export it "
                + "again with `baton export --golf`", c.getMessage());
        byte[] header = file.clone();
        header[11] = 3; // the shuffle stride
        ArtifactException h = assertThrows(ArtifactException.class, () -> GolfArtifact.decode(header, "m.ptz"));
        assertEquals("golf artifact m.ptz is unusable: its header checksum does not match; export it again with "
                + "`baton export --golf`", h.getMessage());
    }
}
