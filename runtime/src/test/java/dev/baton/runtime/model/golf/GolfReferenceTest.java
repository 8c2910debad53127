package dev.baton.runtime.model.golf;

import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.data.json.Json;
import dev.baton.runtime.model.PortableInit;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golf model against the parameter-golf baseline's own PyTorch GPT
 * ({@code golden/golf-micro.safetensors}, written by {@code reference/golf/golf_golden.py} from the
 * challenge's {@code train_gpt.py}): the baseline configuration's {@code state_dict} names, shapes,
 * order and parameter count; and, on a micro configuration with perturbed weights, the loss and
 * every parameter gradient.
 */
class GolfReferenceTest {
    private static final GolfConfig MICRO = GolfConfig.of(64, 5, 16, 4, 2, 2);

    private static SafeTensorsFile golden() {
        try {
            return SafeTensorsFile.open(Path.of(GolfReferenceTest.class.getResource("/golden/golf-micro.safetensors")
                    .toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void baselineParametersAreTheStateDictOfTrainGpt() {
        List<String> expected = new ArrayList<>();
        try (SafeTensorsFile f = golden()) {
            for (Object entry : (List<?>) Json.parse(f.metadata().get("baseline_state_dict"))) {
                List<?> pair = (List<?>) entry;
                List<?> dims = (List<?>) pair.get(1);
                int[] shape = dims.stream().mapToInt(d -> ((Number) d).intValue()).toArray();
                expected.add(pair.get(0) + Shape.of(shape).toString());
            }
            assertEquals(17_059_912L, Long.parseLong(f.metadata().get("baseline_model_params")));
        }
        List<String> actual = new ArrayList<>();
        GolfParams.shapes(GolfConfig.baseline()).forEach((name, shape) -> actual.add(name + shape));
        assertEquals(expected, actual);
        assertEquals(17_059_912L, GolfParams.count(GolfConfig.baseline()));
    }

    @Test
    void lossAndGradientsEqualThePyTorchBaseline() {
        try (SafeTensorsFile f = golden(); CpuOps ops = new CpuOps(2);
             ParamSet params = GolfParams.create(ops, MICRO, 3)) {
            int seq = Integer.parseInt(f.metadata().get("seq_len"));
            PortableInit init = new PortableInit(3);
            for (Param p : params.all()) {
                float[] v = ops.download(p.value());
                float[] noise = new float[v.length];
                init.fillNormal("perturb/" + p.name(), noise, 0.3);
                for (int i = 0; i < v.length; i++) {
                    v[i] += noise[i];
                }
                ops.write(p.value(), v);
            }
            int[] stream = f.ints("tokens");
            int t = stream.length - 1;
            int[] inputs = java.util.Arrays.copyOfRange(stream, 0, t);
            int[] targets = java.util.Arrays.copyOfRange(stream, 1, t + 1);
            try (GolfGpt gpt = new GolfGpt(ops, MICRO, params, seq, t)) {
                float loss = ops.download(gpt.forward(inputs, targets))[0];
                gpt.backward(1f);
                double expected = f.doubles("loss")[0];
                assertEquals(expected, loss, 3e-7 * expected, "loss");
            }
            int compared = 0;
            for (Param p : params.all()) {
                float[] want = f.floats("grad/" + p.name());
                float[] got = ops.download(p.grad());
                assertArrayEquals(f.entry("grad/" + p.name()).shape(), p.grad().shape().dims(), p.name());
                double max = 0;
                for (float w : want) {
                    max = Math.max(max, Math.abs(w));
                }
                assertTrue(max > 0, p.name() + " has a zero reference gradient");
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-5 * max + 1e-8, p.name() + "[" + i + "]");
                }
                compared++;
            }
            assertEquals(52, compared);
        }
    }
}
