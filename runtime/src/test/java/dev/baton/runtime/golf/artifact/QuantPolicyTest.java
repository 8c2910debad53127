package dev.baton.runtime.golf.artifact;

import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The baseline's choice of stored form per tensor, and what each form restores to. */
class QuantPolicyTest {
    final QuantPolicy policy = QuantPolicy.baseline();
    final SplittableRandom rnd = new SplittableRandom(11);

    @Test
    void largeMatricesGetPerRowInt8() {
        StoredTensor s = policy.store(SyntheticState.matrix("tok_emb.weight", 1024, 512, 0.3, rnd));
        assertInstanceOf(StoredTensor.Int8PerRow.class, s);
        assertEquals(1024 * 512 + 2 * 1024, s.dataBytes(), "one byte per value plus an fp16 scale per row");
        assertEquals(DType.F32, s.dtype());
    }

    @Test
    void smallTensorsStayFloatAndControlOnesStayFp32() {
        assertInstanceOf(StoredTensor.Fp16.class, policy.store(SyntheticState.matrix("w", 256, 256, 0.3, rnd)),
                "65,536 values is still 'small'");
        assertInstanceOf(StoredTensor.Int8PerRow.class, policy.store(SyntheticState.matrix("w", 257, 256, 0.3, rnd)));
        for (String name : new String[] {"blocks.3.attn_scale", "blocks.0.mlp_scale", "blocks.1.resid_mix",
                "blocks.2.attn.q_gain", "skip_weights"}) {
            StoredTensor s = policy.store(SyntheticState.vector(name, new int[] {4, 64}, 1, 0.1, rnd));
            assertInstanceOf(StoredTensor.Fp32.class, s, name);
        }
        StateTensor bias = SyntheticState.vector("head.bias", new int[] {64}, 0, 1, rnd);
        StoredTensor s = policy.store(bias);
        assertInstanceOf(StoredTensor.Fp16.class, s);
        float[] back = s.restore().values();
        for (int i = 0; i < 64; i++) {
            assertEquals(HalfFloat.roundToHalf(bias.values()[i]), back[i]);
        }
    }

    @Test
    void largeTensorsOfOtherRanksGetPerTensorInt8() {
        float[] v = new float[2 * 200 * 200];
        StoredTensor s = policy.store(new StateTensor("bank", new int[] {2, 200, 200}, DType.F32, v));
        assertInstanceOf(StoredTensor.Int8PerTensor.class, s);
        assertEquals(1f, ((StoredTensor.Int8PerTensor) s).scale(), "an all-zero tensor gets scale 1");
    }

    @Test
    void restoredDtypesFollowTheBaseline() {
        float[] v = {1.00390625f, 0.1f, -2.5f};
        StoredTensor bf = policy.store(new StateTensor("norm", new int[] {3}, DType.BF16, v));
        assertEquals(DType.BF16, bf.restore().dtype(), "small bf16 tensors go through fp16 and come back bf16");
        assertEquals(HalfFloat.roundToBfloat16(HalfFloat.roundToHalf(0.1f)), bf.restore().values()[1]);
        StoredTensor control = policy.store(new StateTensor("attn_scale", new int[] {3}, DType.BF16, v));
        assertEquals(DType.F32, control.restore().dtype(), "control tensors come back as fp32 (t.float())");
    }
}
