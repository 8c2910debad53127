package dev.baton.runtime.golf;

import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The weight EMA: hand-computed steps, the geometric closed form, and the way back into a model. */
class WeightEmaTest {
    final CpuOps ops = new CpuOps(1);

    ParamSet params(float[] w, float[] g) {
        ParamSet set = new ParamSet();
        set.add(new Param("w", ops.upload(w, Shape.of(2, 2), DType.F32), ops.allocate(Shape.of(2, 2), DType.F32)));
        set.add(new Param("gain", ops.upload(g, Shape.of(2), DType.BF16), ops.allocate(Shape.of(2), DType.BF16)));
        return set;
    }

    @Test
    void handComputedSteps() {
        try (ParamSet p = params(new float[] {1, 2, 3, 4}, new float[] {1, 1})) {
            WeightEma ema = WeightEma.of(ops, p, 0.75);
            assertArrayEquals(new float[] {1, 2, 3, 4}, ema.average("w"), "starts at the weights");
            ops.copy(p.get("w").value(), ops.upload(new float[] {5, 2, -1, 0}, Shape.of(2, 2), DType.F32));
            ema.update(ops, p);
            // 0.75 * old + 0.25 * new
            assertArrayEquals(new float[] {2, 2, 2, 3}, ema.average("w"));
            ema.update(ops, p);
            assertArrayEquals(new float[] {2.75f, 2, 1.25f, 2.25f}, ema.average("w"));
            assertEquals(2, ema.updates());
        }
    }

    /** Holding the weights at w1 after starting at w0: ema_n = w1 + decay^n (w0 - w1). */
    @Test
    void followsTheGeometricClosedForm() {
        double decay = 0.9965;
        try (ParamSet p = params(new float[] {0, 0, 0, 0}, new float[] {1, 1})) {
            WeightEma ema = WeightEma.of(ops, p, decay);
            ops.copy(p.get("w").value(), ops.upload(new float[] {1, -2, 0.5f, 8}, Shape.of(2, 2), DType.F32));
            for (int i = 0; i < 1000; i++) {
                ema.update(ops, p);
            }
            double left = Math.pow(decay, 1000);
            float[] avg = ema.average("w");
            float[] target = {1, -2, 0.5f, 8};
            for (int i = 0; i < 4; i++) {
                assertEquals(target[i] * (1 - left), avg[i], 1e-4 * Math.abs(target[i]), "element " + i);
            }
        }
    }

    @Test
    void averagesGoBackIntoTheModelAndIntoTheArtifactState() {
        try (ParamSet p = params(new float[] {1, 2, 3, 4}, new float[] {1, 3})) {
            WeightEma ema = WeightEma.of(ops, p, 0.5);
            ops.copy(p.get("gain").value(), ops.upload(new float[] {2, 3.0078125f}, Shape.of(2), DType.BF16));
            ema.update(ops, p);
            List<StateTensor> state = ema.state();
            assertEquals(List.of("w", "gain"), state.stream().map(StateTensor::name).toList());
            assertEquals(DType.BF16, state.get(1).dtype());
            assertArrayEquals(new float[] {1.5f, 3f}, state.get(1).values(),
                    "3.00390625 rounded to the parameter's bf16 grid (steps of 2^-6 at 3)");
            ema.copyTo(ops, p);
            assertArrayEquals(new float[] {1.5f, 3.00390625f}, ops.download(p.get("gain").value()));
            assertArrayEquals(new float[] {1, 2, 3, 4}, ops.download(p.get("w").value()));
        }
    }

    @Test
    void decayMustBeBelowOne() {
        try (ParamSet p = params(new float[] {1, 2, 3, 4}, new float[] {1, 1})) {
            assertThrows(IllegalArgumentException.class, () -> WeightEma.of(ops, p, 1.0));
            assertThrows(IllegalArgumentException.class, () -> WeightEma.of(ops, p, -0.1));
        }
    }
}
