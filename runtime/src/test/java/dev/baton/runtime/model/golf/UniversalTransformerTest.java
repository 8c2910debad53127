package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The depth schedule (parsing, switching without allocation) and noisy QAT of the Universal Transformer. */
class UniversalTransformerTest {
    private static final GolfConfig MICRO = GolfConfig.of(64, 2, 16, 4, 2, 2);

    @Test
    void scheduleParsesTheSeedsForm() {
        DepthSchedule s = DepthSchedule.parse("0:2,2000:6");
        assertEquals(2, s.depthAt(0));
        assertEquals(2, s.depthAt(1999));
        assertEquals(6, s.depthAt(2000));
        assertEquals(6, s.depthAt(1_000_000));
        assertEquals(6, s.maxDepth());
        assertEquals(6, s.finalDepth());
        assertEquals("0:2,2000:6", s.toString());
        DepthSchedule down = DepthSchedule.parse(" 0:4 , 10:3 ");
        assertEquals(4, down.maxDepth());
        assertEquals(3, down.finalDepth());
        assertEquals(3, down.depthAt(10));
    }

    @Test
    void badSchedulesAreRefusedWithTheEntryAtFault() {
        for (String[] bad : new String[][] {{"", "empty"}, {"0:2,2000", "\"2000\""}, {"5:2", "step 0"},
                {"0:2,0:4", "increase"}, {"0:0", "depth in 1..64"}, {"0:x", "\"0:x\""}, {"0:2,,9:3", "\"\""},
                {"0:2,100:1:3", "\"100:1:3\""}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DepthSchedule.parse(bad[0]));
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + " -> " + e.getMessage());
        }
    }

    /** An Ops that counts allocations and forwards everything else to the CPU backend. */
    private static Ops counting(CpuOps cpu, AtomicInteger allocations) {
        return (Ops) Proxy.newProxyInstance(Ops.class.getClassLoader(), new Class<?>[] {Ops.class}, (proxy, m, args) -> {
            if (m.getName().startsWith("allocate") || m.getName().startsWith("upload")) {
                allocations.incrementAndGet();
            }
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private static int[][] batch(int n) {
        Random r = new Random(31);
        int[][] b = new int[2][n];
        for (int i = 0; i < n; i++) {
            b[0][i] = r.nextInt(64);
            b[1][i] = r.nextInt(64);
        }
        return b;
    }

    @Test
    void depthSwitchesAtTheScheduledStepWithoutAllocating() {
        GolfConfig c = MICRO.withUniversal(new UniversalConfig(DepthSchedule.parse("0:2,3:5"), 0));
        AtomicInteger allocations = new AtomicInteger();
        int[][] b = batch(16);
        try (CpuOps cpu = new CpuOps(2)) {
            Ops ops = counting(cpu, allocations);
            try (ParamSet params = GolfParams.create(ops, c, 2)) {
                GolfModelCheck.perturb(ops, params, 3, 0.2);
                try (GolfGpt gpt = new GolfGpt(ops, c, params, 8, 16)) {
                    // evaluation before any training step runs the final depth
                    assertEquals(5, gpt.depth());
                    int built = allocations.get();
                    List<Float> losses = new ArrayList<>();
                    for (long step = 0; step < 5; step++) {
                        gpt.setTrainingStep(step);
                        assertEquals(step < 3 ? 2 : 5, gpt.depth());
                        losses.add(ops.download(gpt.forward(b[0], b[1]))[0]);
                        gpt.backward(1f);
                    }
                    gpt.setTrainingStep(0);
                    losses.add(ops.download(gpt.forward(b[0], b[1]))[0]);
                    gpt.backward(1f);
                    assertEquals(built, allocations.get(), "a depth switch allocated");
                    // same weights (no optimizer step): equal within a depth, different across depths
                    assertEquals(losses.get(0), losses.get(2));
                    assertEquals(losses.get(3), losses.get(4));
                    assertEquals(losses.get(0), losses.get(5));
                    assertNotEquals(losses.get(0), losses.get(3));
                    assertThrows(IllegalArgumentException.class, () -> gpt.setTrainingStep(-1));
                }
            }
        }
    }

    @Test
    void deeperStepsTrainTheirOwnDepthNorms() {
        // depth 2 then 5: the 5-depth forward uses depth norms 2..4, which the 2-depth one never touches
        GolfConfig c = MICRO.withUniversal(new UniversalConfig(DepthSchedule.parse("0:2,1:5"), 0));
        int[][] b = batch(8);
        try (CpuOps ops = new CpuOps(1); ParamSet params = GolfParams.create(ops, c, 2)) {
            GolfModelCheck.perturb(ops, params, 3, 0.2);
            try (GolfGpt gpt = new GolfGpt(ops, c, params, 8, 8)) {
                gpt.setTrainingStep(0);
                gpt.forward(b[0], b[1]);
                gpt.backward(1f);
                assertArrayEquals(new float[16], ops.download(params.get("depth_norms.4.mlp.bias").grad()));
                gpt.setTrainingStep(1);
                gpt.forward(b[0], b[1]);
                gpt.backward(1f);
                assertNotEquals(0f, ops.download(params.get("depth_norms.4.mlp.bias").grad())[0]);
            }
        }
    }

    @Test
    void noisyQatPerturbsTrainingOnlyAndRestoresTheWeights() {
        UniversalConfig noisy = new UniversalConfig(DepthSchedule.parse("0:3"), 1.0);
        GolfConfig c = MICRO.withUniversal(noisy);
        int[][] b = batch(16);
        try (CpuOps ops = new CpuOps(2); ParamSet params = GolfParams.create(ops, c, 2)) {
            GolfModelCheck.perturb(ops, params, 3, 0.2);
            List<float[]> before = new ArrayList<>();
            for (Param p : params.all()) {
                before.add(ops.download(p.value()));
            }
            float clean;
            try (GolfGpt plain = new GolfGpt(ops, MICRO.withUniversal(new UniversalConfig(noisy.schedule(), 0)), params,
                    8, 16)) {
                clean = ops.download(plain.evaluate(b[0], b[1]))[0];
                assertEquals(clean, ops.download(plain.forward(b[0], b[1]))[0]);
            }
            try (GolfGpt gpt = new GolfGpt(ops, c, params, 8, 16)) {
                assertEquals(clean, ops.download(gpt.evaluate(b[0], b[1]))[0]);
                float trained = ops.download(gpt.forward(b[0], b[1]))[0];
                assertNotEquals(clean, trained);
                // noise of one int8 step moves the loss only a little
                assertEquals(clean, trained, 0.05 * clean);
                // evaluation right after a training forward sees the clean weights again
                assertEquals(clean, ops.download(gpt.evaluate(b[0], b[1]))[0]);
                gpt.forward(b[0], b[1]);
                gpt.backward(1f);
                int i = 0;
                for (Param p : params.all()) {
                    assertArrayEquals(before.get(i++), ops.download(p.value()), p.name() + " not restored");
                }
                assertEquals(clean, ops.download(gpt.evaluate(b[0], b[1]))[0]);
            }
        }
    }
}
