package dev.baton.runtime.model;

import dev.baton.runtime.ops.cpu.CpuOps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class YarnTest {
    @Test
    void initialFrequenciesAndTables() {
        try (CpuOps ops = new CpuOps(2); Yarn y = new Yarn(ops, 16, 8, false, 16, 0.1)) {
            float[] f = y.angularFrequencies();
            // (1/1024)^(j/3) for j = 0..3, each twice, then 8 zeros
            assertEquals(1f, f[0]);
            assertEquals(1f, f[1]);
            assertEquals((float) Math.pow(1 / 1024.0, 1 / 3.0), f[2], 1e-7f);
            assertEquals(1 / 1024f, f[7], 1e-9f);
            assertEquals(0f, f[8]);
            float[] cos = ops.download(y.cos());
            float[] sin = ops.download(y.sin());
            assertEquals((float) Math.cos(3.0), cos[3 * 16], 1e-7f);
            assertEquals((float) Math.sin(3.0), sin[3 * 16], 1e-7f);
            assertEquals((float) -Math.sin(3.0), sin[3 * 16 + 1], 1e-7f);   // odd columns negated
            assertEquals(1f, cos[3 * 16 + 12]);                             // unrotated half
            assertEquals(0.1, y.attnScale());
        }
    }

    @Test
    void pairedRowsHoldPositions2tAnd2tPlus1() {
        try (CpuOps ops = new CpuOps(2); Yarn n = new Yarn(ops, 16, 16, false, 16, 0.1);
             Yarn p = new Yarn(ops, 16, 8, true, 16, 0.1)) {
            float[] nc = ops.download(n.cos());
            float[] pc = ops.download(p.cos());
            float[] ns = ops.download(n.sin());
            float[] ps = ops.download(p.sin());
            for (int t = 0; t < 8; t++) {
                for (int i = 0; i < 16; i++) {
                    assertEquals(nc[2 * t * 16 + i], pc[t * 32 + i]);
                    assertEquals(nc[(2 * t + 1) * 16 + i], pc[t * 32 + 16 + i]);
                    assertEquals(ns[(2 * t + 1) * 16 + i], ps[t * 32 + 16 + i]);
                }
            }
        }
    }

    @Test
    void yarnStretchesSlowFrequenciesAndRaisesTheScale() {
        try (CpuOps ops = new CpuOps(2); Yarn y = new Yarn(ops, 128, 4, false, 128, 0.1)) {
            float[] before = y.angularFrequencies();
            y.apply(3, 7);
            float[] after = y.angularFrequencies();
            // fastest: 128·3·1/(2π) ≈ 61 rotations ≥ 32 → unchanged; slowest: < 1 rotation → ×3/7
            assertEquals(before[0], after[0]);
            assertEquals(before[62] * (3f / 7f), after[62], 1e-9f);
            assertEquals(0f, after[100]);
            assertEquals(0.1 * (0.2 * Math.log(7.0 / 3.0) + 1), y.attnScale(), 1e-15);
            y.apply(7, 11);
            assertEquals(0.1 * (0.2 * Math.log(7.0 / 3.0) + 1) * (0.2 * Math.log(11.0 / 7.0) + 1), y.attnScale(), 1e-15);
            y.reset();
            assertEquals(0.1, y.attnScale());
            assertEquals(before[62], y.angularFrequencies()[62]);
        }
    }
}
