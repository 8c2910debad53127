package dev.baton.kernels.ops;

import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.kernels.testing.Accuracy;
import dev.baton.kernels.testing.AttentionReference;
import dev.baton.kernels.testing.DocumentLayouts;
import dev.baton.kernels.testing.GpuSession;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * attention.cu against the double-precision reference on bf16-exact random inputs, every output
 * poisoned with NaN first. Tolerances: out, dq, dk, dv relative L2 error at most 1e-2 (bf16
 * outputs and bf16 P/dS operands of the second products); lse and delta at most 1e-3 absolute.
 */
@GpuTest
class CudaAttentionGpuTest {
    private static final double TOL_BF16 = 1e-2;
    private static final double TOL_LSE = 1e-3;
    private static final float SCALE = 0.12f;
    private static final AttentionTiling[] TILINGS = {
        new AttentionTiling(4, 4, 2), new AttentionTiling(4, 8, 1), new AttentionTiling(8, 4, 1),
        AttentionTiling.SIMPLE};

    private static GpuSession gpu;
    private static final Map<AttentionTiling, CudaAttention> ATTENTION = new HashMap<>();
    private static final Map<String, Problem> PROBLEMS = new HashMap<>();

    /** One layout, head count, head size and window. */
    record Case(String name, int[] cu, int seqScale, int groups, int dim, int window) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Inputs and reference results of a case, computed once for every tiling. */
    record Problem(Case c, int seq, float[] q, float[] k, float[] v, float[] dout, float[] out, float[] lse,
                   double[] refOut, double[] refLse, double[] refDq, double[] refDk, double[] refDv, double[] refDelta) {
    }

    @BeforeAll
    static void open() {
        gpu = GpuSession.open();
        for (AttentionTiling t : TILINGS) {
            ATTENTION.put(t, CudaAttention.load(gpu.device().properties(), t));
        }
    }

    @AfterAll
    static void close() {
        ATTENTION.values().forEach(CudaAttention::close);
        gpu.close();
    }

    private static final Case RECORD_LIKE = new Case("record-like: 6 heads, FineWeb-like docs, window 384",
            DocumentLayouts.logNormal(11, 4099, 600, 1.0, 2048), 1, 6, 128, 384);

    static Stream<Arguments> cases() {
        int[] mixed = {0, 1, 1, 130, 131, 600, 1237};
        List<Case> cs = List.of(
                new Case("1-token docs, empty segment, window < docs", mixed, 1, 3, 128, 100),
                new Case("window > every doc", mixed, 1, 3, 128, 5000),
                new Case("paired heads (seqScale 2)", new int[] {0, 5, 5, 300, 301, 700}, 2, 3, 128, 256),
                new Case("padding entries at the end", new int[] {0, 700, 1100, 1100, 1100}, 1, 2, 128, 300),
                new Case("D = 64", mixed, 1, 2, 64, 100),
                new Case("D = 16", mixed, 1, 2, 16, 64),
                RECORD_LIKE);
        List<Arguments> args = new ArrayList<>();
        for (Case c : cs) {
            for (AttentionTiling t : TILINGS) {
                args.add(Arguments.of(c, t));
            }
        }
        return args.stream();
    }

    private static float[] bf16Gaussian(long seed, int n) {
        float[] x = Accuracy.gaussian(seed, n);
        for (int i = 0; i < n; i++) {
            x[i] = Bf16.round(x[i]);
        }
        return x;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private static float[] toFloat(double[] x, boolean bf16) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = bf16 ? Bf16.round((float) x[i]) : (float) x[i];
        }
        return f;
    }

    private static Problem problem(Case c) {
        return PROBLEMS.computeIfAbsent(c.name(), name -> {
            AttentionReference ref = new AttentionReference(c.cu(), c.seqScale(), c.groups(), c.dim(), c.window(), SCALE);
            int seq = ref.seq();
            int n = seq * c.groups() * c.dim();
            long seed = name.hashCode();
            float[] q = bf16Gaussian(seed, n);
            float[] k = bf16Gaussian(seed + 1, n);
            float[] v = bf16Gaussian(seed + 2, n);
            float[] dout = bf16Gaussian(seed + 3, n);
            double[][] fw = ref.forward(toDouble(q), toDouble(k), toDouble(v));
            // the backward gets out and lse as a training step would: out in bf16, lse in fp32
            float[] out = toFloat(fw[0], true);
            float[] lse = toFloat(fw[1], false);
            double[][] bw = ref.backward(toDouble(q), toDouble(k), toDouble(v), toDouble(out), toDouble(lse),
                    toDouble(dout));
            double[] delta = new double[seq * c.groups()];
            for (int r = 0; r < delta.length; r++) {
                for (int d = 0; d < c.dim(); d++) {
                    delta[r] += (double) dout[r * c.dim() + d] * out[r * c.dim() + d];
                }
            }
            return new Problem(c, seq, q, k, v, dout, out, lse, fw[0], fw[1], bw[0], bw[1], bw[2], delta);
        });
    }

    private static float[] nan(int n) {
        float[] x = new float[n];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    private static CudaTensor upload(float[] x, Shape shape, DType dtype) {
        CudaTensor t = CudaTensor.allocate(shape, dtype);
        t.copyFrom(x, gpu.stream());
        return t;
    }

    private static double maxAbs(float[] actual, double[] expected) {
        double m = 0;
        for (int i = 0; i < actual.length; i++) {
            m = Math.max(m, Math.abs(actual[i] - expected[i]));
        }
        return Float.isNaN(sum(actual)) ? Double.NaN : m;
    }

    private static float sum(float[] x) {
        float s = 0;
        for (float f : x) {
            s += f;
        }
        return s;
    }

    private static double relL2(float[] actual, double[] expected) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = actual[i] - expected[i];
            num += d * d;
            den += expected[i] * expected[i];
        }
        return Math.sqrt(num / den);
    }

    private static void assertWithin(String what, double error, double tolerance) {
        assertTrue(error <= tolerance, what + ": error " + error + " over " + tolerance);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void matchesTheDoubleReference(Case c, AttentionTiling tiling) {
        Problem p = problem(c);
        CudaAttention attention = ATTENTION.get(tiling);
        Shape qkv = Shape.of(p.seq(), c.groups(), c.dim());
        Shape rows = Shape.of(p.seq(), c.groups());
        int n = p.q().length;
        int r = p.seq() * c.groups();
        try (CudaTensor q = upload(p.q(), qkv, DType.BF16); CudaTensor k = upload(p.k(), qkv, DType.BF16);
             CudaTensor v = upload(p.v(), qkv, DType.BF16); CudaTensor dout = upload(p.dout(), qkv, DType.BF16);
             CudaTensor cu = CudaTensor.allocate(Shape.of(c.cu().length), DType.I32);
             CudaTensor out = upload(nan(n), qkv, DType.BF16); CudaTensor lse = upload(nan(r), rows, DType.F32);
             CudaTensor savedOut = upload(p.out(), qkv, DType.BF16);
             CudaTensor savedLse = upload(p.lse(), rows, DType.F32);
             CudaTensor dq = upload(nan(n), qkv, DType.BF16); CudaTensor dk = upload(nan(n), qkv, DType.BF16);
             CudaTensor dv = upload(nan(n), qkv, DType.BF16); CudaTensor delta = upload(nan(r), rows, DType.F32)) {
            cu.copyFromInts(c.cu(), gpu.stream());
            attention.forward(q, k, v, cu, c.seqScale(), c.window(), SCALE, out, lse, gpu.stream());
            attention.backward(q, k, v, savedOut, savedLse, dout, cu, c.seqScale(), c.window(), SCALE, dq, dk, dv,
                    delta, gpu.stream());
            double eOut = relL2(out.toFloats(gpu.stream()), p.refOut());
            double eLse = maxAbs(lse.toFloats(gpu.stream()), p.refLse());
            double eDelta = maxAbs(delta.toFloats(gpu.stream()), p.refDelta());
            double eDq = relL2(dq.toFloats(gpu.stream()), p.refDq());
            double eDk = relL2(dk.toFloats(gpu.stream()), p.refDk());
            double eDv = relL2(dv.toFloats(gpu.stream()), p.refDv());
            System.out.printf("[attention] %-55s %-16s S=%5d out %.2e lse %.2e delta %.2e dq %.2e dk %.2e dv %.2e%n",
                    c.name(), tiling, p.seq(), eOut, eLse, eDelta, eDq, eDk, eDv);
            assertWithin("out", eOut, TOL_BF16);
            assertWithin("lse", eLse, TOL_LSE);
            assertWithin("delta", eDelta, TOL_LSE);
            assertWithin("dq", eDq, TOL_BF16);
            assertWithin("dk", eDk, TOL_BF16);
            assertWithin("dv", eDv, TOL_BF16);
        }
    }

    @Test
    void aTokenThatSeesOnlyItselfReturnsItsValue() {
        // every token its own document, and a 3-document layout at window 0: p = 1 on the diagonal
        int seq = 300;
        int[] alone = new int[seq + 1];
        for (int i = 0; i <= seq; i++) {
            alone[i] = i;
        }
        int[][] layouts = {alone, {0, 100, 170, 300}};
        int[] windows = {50, 0};
        for (int l = 0; l < layouts.length; l++) {
            int[] cuHost = layouts[l];
            int window = windows[l];
            int n = seq * 2 * 128;
            Shape qkv = Shape.of(seq, 2, 128);
            float[] vh = bf16Gaussian(5, n);
            float[] gh = bf16Gaussian(6, n);
            try (CudaTensor q = upload(bf16Gaussian(3, n), qkv, DType.BF16);
                 CudaTensor k = upload(bf16Gaussian(4, n), qkv, DType.BF16);
                 CudaTensor v = upload(vh, qkv, DType.BF16); CudaTensor dout = upload(gh, qkv, DType.BF16);
                 CudaTensor cu = CudaTensor.allocate(Shape.of(cuHost.length), DType.I32);
                 CudaTensor out = upload(nan(n), qkv, DType.BF16);
                 CudaTensor lse = upload(nan(seq * 2), Shape.of(seq, 2), DType.F32);
                 CudaTensor dq = upload(nan(n), qkv, DType.BF16); CudaTensor dk = upload(nan(n), qkv, DType.BF16);
                 CudaTensor dv = upload(nan(n), qkv, DType.BF16);
                 CudaTensor delta = upload(nan(seq * 2), Shape.of(seq, 2), DType.F32)) {
                cu.copyFromInts(cuHost, gpu.stream());
                CudaAttention a = ATTENTION.get(TILINGS[0]);
                a.forward(q, k, v, cu, 1, window, SCALE, out, lse, gpu.stream());
                assertArrayEquals(vh, out.toFloats(gpu.stream()), "out = v exactly");
                a.backward(q, k, v, out, lse, dout, cu, 1, window, SCALE, dq, dk, dv, delta, gpu.stream());
                assertArrayEquals(gh, dv.toFloats(gpu.stream()), "dv = dout exactly");
                // ds = dout·v − dout·out = 0 up to fp32 rounding of two sums of 128 products
                assertEquals(0.0, maxAbs(dq.toFloats(gpu.stream()), new double[n]), 1e-3);
                assertEquals(0.0, maxAbs(dk.toFloats(gpu.stream()), new double[n]), 1e-3);
            }
        }
    }

    @Test
    void repeatedRunsGiveIdenticalForwardAndKeyGradients() {
        Problem p = problem(RECORD_LIKE);
        Case c = p.c();
        Shape qkv = Shape.of(p.seq(), c.groups(), c.dim());
        Shape rows = Shape.of(p.seq(), c.groups());
        int n = p.q().length;
        int r = p.seq() * c.groups();
        CudaAttention a = ATTENTION.get(TILINGS[0]);
        try (CudaTensor q = upload(p.q(), qkv, DType.BF16); CudaTensor k = upload(p.k(), qkv, DType.BF16);
             CudaTensor v = upload(p.v(), qkv, DType.BF16); CudaTensor dout = upload(p.dout(), qkv, DType.BF16);
             CudaTensor cu = CudaTensor.allocate(Shape.of(c.cu().length), DType.I32);
             CudaTensor out = upload(nan(n), qkv, DType.BF16); CudaTensor lse = upload(nan(r), rows, DType.F32);
             CudaTensor dq = upload(nan(n), qkv, DType.BF16); CudaTensor dk = upload(nan(n), qkv, DType.BF16);
             CudaTensor dv = upload(nan(n), qkv, DType.BF16); CudaTensor delta = upload(nan(r), rows, DType.F32)) {
            cu.copyFromInts(c.cu(), gpu.stream());
            float[][] first = null;
            for (int run = 0; run < 3; run++) {
                a.forward(q, k, v, cu, 1, c.window(), SCALE, out, lse, gpu.stream());
                a.backward(q, k, v, out, lse, dout, cu, 1, c.window(), SCALE, dq, dk, dv, delta, gpu.stream());
                float[][] now = {out.toFloats(gpu.stream()), lse.toFloats(gpu.stream()), dk.toFloats(gpu.stream()),
                    dv.toFloats(gpu.stream())};
                if (first == null) {
                    first = now;
                } else {
                    for (int i = 0; i < now.length; i++) {
                        assertArrayEquals(first[i], now[i], "output " + i + " of run " + run);
                    }
                }
            }
        }
    }
}
