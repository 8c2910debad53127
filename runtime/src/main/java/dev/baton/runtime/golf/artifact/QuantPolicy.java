package dev.baton.runtime.golf.artifact;

import dev.baton.runtime.tensor.DType;

import java.util.List;

/**
 * Which form each state tensor takes in the artifact, as the baseline's
 * {@code quantize_state_dict_int8} decides: tensors of at most {@code keepFloatMaxNumel} values
 * stay float (fp32 when the name contains a control pattern such as {@code attn_scale} or
 * {@code q_gain}, otherwise fp16); larger 2-D tensors get per-row int8, larger others per-tensor
 * int8, both clipped at the {@code clipQuantile} of |w|.
 */
public record QuantPolicy(int keepFloatMaxNumel, List<String> fp32NamePatterns, double clipQuantile) {
    /** The baseline's {@code CONTROL_TENSOR_NAME_PATTERNS}. */
    public static final List<String> CONTROL_PATTERNS = List.of("attn_scale", "attn_scales", "mlp_scale",
            "mlp_scales", "resid_mix", "resid_mixes", "q_gain", "skip_weight", "skip_weights");

    public QuantPolicy {
        fp32NamePatterns = List.copyOf(fp32NamePatterns);
        if (!(clipQuantile > 0 && clipQuantile <= 1)) {
            throw new IllegalArgumentException("clip quantile " + clipQuantile + " is not in (0, 1]");
        }
    }

    /** 65,536 values, the control patterns above, clip at the 99.99984th percentile. */
    public static QuantPolicy baseline() {
        return new QuantPolicy(65_536, CONTROL_PATTERNS, 99.99984 / 100.0);
    }

    /** The stored form of {@code t} under this policy. */
    public StoredTensor store(StateTensor t) {
        if (t.numel() <= keepFloatMaxNumel) {
            if (fp32NamePatterns.stream().anyMatch(t.name()::contains)) {
                return new StoredTensor.Fp32(t.name(), t.shape(), DType.F32, t.values().clone());
            }
            short[] halves = new short[t.numel()];
            float[] v = t.values();
            for (int i = 0; i < halves.length; i++) {
                halves[i] = HalfFloat.toHalf(v[i]);
            }
            return new StoredTensor.Fp16(t.name(), t.shape(), t.dtype(), halves);
        }
        return t.shape().length == 2
                ? Int8Quantizer.perRow(t, t.dtype(), clipQuantile)
                : Int8Quantizer.perTensor(t, t.dtype(), clipQuantile);
    }
}
