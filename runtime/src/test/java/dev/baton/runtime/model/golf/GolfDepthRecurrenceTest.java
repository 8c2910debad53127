package dev.baton.runtime.model.golf;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Depth recurrence (seed 001: layers 3..5 looped, switched on during training): the looped and
 * plain layer orders and their U-net pairing, the record's skip count, and the switch itself, which
 * changes the function but neither the parameters nor a single buffer.
 */
class GolfDepthRecurrenceTest {

    @Test
    void recordOrderLoopsLayersThreeToFiveThreeTimes() {
        GolfConfig c = GolfConfig.of(1024, 11, 512, 8, 4, 4).withArch(new GolfArchitecture(0, 0, false, 3, 5, 2, 0));
        GolfLayerPlan plan = new GolfLayerPlan(c);
        int[] looped = plan.positions(true).stream().mapToInt(GolfLayerPlan.Position::layer).toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 3, 4, 5, 3, 4, 5, 6, 7, 8, 9, 10}, looped);
        int[] plain = plan.positions(false).stream().mapToInt(GolfLayerPlan.Position::layer).toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, plain);
        // 17 positions: 8 push skips, decoder positions 8..15 pop them (last pushed first)
        assertEquals(8, c.skipWeights());
        GolfLayerPlan.Position first = plan.positions(true).get(8);
        assertEquals(0, first.skipIndex());
        assertEquals(7, first.skipSource());
        assertEquals(-1, plan.positions(true).get(16).skipIndex());
        // the plain order pairs 5 skips and runs each layer's first instance
        assertEquals(4, plan.positions(false).get(5).skipSource());
        assertEquals(-1, plan.positions(false).get(10).skipIndex());
        assertEquals(17, plan.instanceLayers().length);
        assertEquals(plan.positions(true).get(3).instance(), plan.positions(false).get(3).instance());
        // without recurrence the baseline's 9 layers keep their 4 skips
        assertEquals(4, GolfConfig.baseline().skipWeights());
    }

    @Test
    void switchingOnChangesTheModelButNotItsParametersOrBuffers() {
        AtomicInteger allocations = new AtomicInteger();
        try (CpuOps cpu = new CpuOps(2)) {
            Ops ops = counting(cpu, allocations);
            GolfConfig c = GolfConfig.of(64, 5, 16, 2, 1, 2).withArch(new GolfArchitecture(0.5, 4, true, 1, 2, 2, 0));
            long count = GolfParams.count(c);
            try (ParamSet params = GolfParams.create(ops, c, 7); GolfGpt gpt = new GolfGpt(ops, c, params, 8, 16)) {
                // move the zero-initialised projections so that every block changes its input
                java.util.Random r = new java.util.Random(3);
                for (var p : params.all()) {
                    float[] v = ops.download(p.value());
                    for (int i = 0; i < v.length; i++) {
                        v[i] += (float) (0.2 * r.nextGaussian());
                    }
                    ops.write(p.value(), v);
                }
                int[] in = new int[16];
                int[] tg = new int[16];
                for (int i = 0; i < 16; i++) {
                    in[i] = (i * 7 + 3) % 64;
                    tg[i] = (i * 5 + 1) % 64;
                }
                assertEquals(true, gpt.looping(), "a recurrent model evaluates looped unless told otherwise");
                gpt.setLooping(false);
                assertArrayEquals(new int[] {0, 1, 2, 3, 4}, gpt.layerOrder());
                int before = allocations.get();
                float plain = ops.download(gpt.forward(in, tg))[0];
                gpt.backward(1f);
                gpt.setLooping(true);
                assertArrayEquals(new int[] {0, 1, 2, 1, 2, 1, 2, 3, 4}, gpt.layerOrder());
                float looped = ops.download(gpt.forward(in, tg))[0];
                gpt.backward(1f);
                assertEquals(before, allocations.get(), "the switch and both orders' steps allocate nothing");
                assertNotEquals(plain, looped);
                assertEquals(count, params.all().stream().mapToLong(p -> p.value().numel()).sum());
                gpt.setLooping(false);
                assertEquals(plain, ops.download(gpt.forward(in, tg))[0], 0f);
            }
        }
        GolfConfig flat = GolfConfig.of(64, 5, 16, 2, 1, 2);
        try (CpuOps cpu = new CpuOps(1); ParamSet params = GolfParams.create(cpu, flat, 1);
             GolfGpt gpt = new GolfGpt(cpu, flat, params, 8, 8)) {
            assertThrows(IllegalStateException.class, () -> gpt.setLooping(true));
        }
    }

    /** Ops that count allocations (allocate, upload, uploadInts) and delegate everything to {@code cpu}. */
    static Ops counting(CpuOps cpu, AtomicInteger allocations) {
        return (Ops) Proxy.newProxyInstance(Ops.class.getClassLoader(), new Class<?>[] {Ops.class}, (proxy, m, args) -> {
            if (m.getName().equals("allocate") || m.getName().startsWith("upload")) {
                allocations.incrementAndGet();
            }
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
