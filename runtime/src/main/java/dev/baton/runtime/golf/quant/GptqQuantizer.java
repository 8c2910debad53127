package dev.baton.runtime.golf.quant;

import dev.baton.runtime.golf.artifact.HalfFloat;
import dev.baton.runtime.golf.artifact.QuantPolicy;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.golf.artifact.StoredTensor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The golf records' quantisation of a whole state ({@code gptq-int6}): tensors of at most
 * {@code keepFloatMaxNumel} values and tensors that are not 2-D follow the baseline's rules
 * ({@link QuantPolicy}: fp16/fp32 passthrough, per-tensor int8); 2-D embeddings (names containing
 * {@code emb}) get GPTQ at {@code embedBits}, every other 2-D tensor (the attention and MLP
 * matrices) GPTQ at {@code matrixBits}, each with its calibration Hessian when there is one and
 * round-to-nearest on the same grid when there is none. Unpacked int6 codes are stored in the int8
 * per-row form (the codes are the same, one per byte).
 */
public final class GptqQuantizer {
    private GptqQuantizer() {
    }

    /** The stored form of every tensor of {@code state}, in order. */
    public static List<StoredTensor> quantize(List<StateTensor> state, Map<String, double[]> hessians,
                                              GptqConfig config) {
        QuantPolicy passthrough = new QuantPolicy(config.keepFloatMaxNumel(), QuantPolicy.CONTROL_PATTERNS,
                QuantPolicy.baseline().clipQuantile());
        Set<String> names = new HashSet<>();
        List<StoredTensor> out = new ArrayList<>(state.size());
        for (StateTensor t : state) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("the state holds two tensors named " + t.name());
            }
            if (t.numel() <= config.keepFloatMaxNumel() || t.shape().length != 2) {
                out.add(passthrough.store(t));
                continue;
            }
            int bits = isEmbedding(t.name()) ? config.embedBits() : config.matrixBits();
            double sigmas = isEmbedding(t.name()) ? config.embedClipSigmas() : config.matrixClipSigmas();
            out.add(matrix(t, hessians.get(t.name()), bits, sigmas, config));
        }
        return out;
    }

    /** True for the tensors that get the embedding's bits: 2-D tensors whose name contains {@code emb}. */
    static boolean isEmbedding(String name) {
        return name.contains("emb");
    }

    /** One 2-D tensor by GPTQ (or round-to-nearest when {@code hessian} is null) at {@code bits}. */
    public static StoredTensor matrix(StateTensor t, double[] hessian, int bits, double clipSigmas, GptqConfig config) {
        int rows = t.shape()[0];
        int cols = t.shape()[1];
        int maxq = GptqConfig.clipRange(bits);
        float[] scales = RowScales.of(t.values(), rows, cols, clipSigmas, maxq,
                hessian != null ? Gptq.diagonal(hessian, cols) : null, config.clipSearch());
        byte[] q = Gptq.quantize(t.values(), rows, cols, hessian, scales, maxq, config);
        short[] halves = new short[rows];
        for (int r = 0; r < rows; r++) {
            halves[r] = HalfFloat.toHalf(scales[r]);
        }
        return bits == 6 && config.packInt6() ? new StoredTensor.Int6PerRow(t.name(), t.shape(), t.dtype(), q, halves)
                : new StoredTensor.Int8PerRow(t.name(), t.shape(), t.dtype(), q, halves);
    }
}
