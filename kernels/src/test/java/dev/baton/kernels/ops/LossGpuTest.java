package dev.baton.kernels.ops;

import dev.baton.kernels.ops.OpsPair.Pair;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * loss.cu against CpuOps at the record's vocabulary (50304) with bf16 logits: the MTP training
 * form with its fused gradient, in place as the model calls it, and the evaluation form.
 * Tolerances: fp32 per-row losses 1e-5 (fp32 vs fp64 sums over 50304 terms); bf16 dlogits 1e-2.
 */
@GpuTest
class LossGpuTest {
    private static final int V = 50304;
    private static CudaOps gpu;
    private OpsPair ops;

    @BeforeAll
    static void open() {
        gpu = CudaOps.open(0);
    }

    @AfterAll
    static void close() {
        gpu.close();
    }

    @BeforeEach
    void pair() {
        ops = new OpsPair(gpu);
    }

    @AfterEach
    void release() {
        ops.close();
    }

    private int[] targets(int n) {
        Random r = new Random(71);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(50257);
        }
        t[3] = t[4]; // a repeated target: row 3's k=0 and k=1 targets coincide
        return t;
    }

    @Test
    void trainingFormWithGradientInPlace() {
        int n = 67;
        Shape s = Shape.of(n, V);
        float[] w = {1f, 0.5f, 0.25f};
        Pair logits = ops.gaussianInput(72, s, DType.BF16, 8f);
        Pair tg = ops.ints(targets(n), Shape.of(n));
        Pair losses = ops.output(Shape.of(n), DType.F32);
        ops.cpu.softcappedCrossEntropy(logits.cpu(), tg.cpu(), w, 23f, 5f, 7.5f, losses.cpu(), logits.cpu());
        ops.gpu.softcappedCrossEntropy(logits.gpu(), tg.gpu(), w, 23f, 5f, 7.5f, losses.gpu(), logits.gpu());
        assertTrue(ops.error(losses) < 1e-5, "losses " + ops.error(losses));
        assertTrue(ops.error(logits) < 1e-2, "dlogits " + ops.error(logits));
    }

    @Test
    void evaluationFormAndSeparateGradient() {
        int n = 40;
        Shape s = Shape.of(n, V);
        Pair logits = ops.gaussianInput(73, s, DType.BF16, 8f);
        Pair tg = ops.ints(targets(n), Shape.of(n));
        Pair losses = ops.output(Shape.of(n), DType.F32);
        ops.cpu.softcappedCrossEntropy(logits.cpu(), tg.cpu(), new float[] {1f}, 23f, 5f, 7.5f, losses.cpu(), null);
        ops.gpu.softcappedCrossEntropy(logits.gpu(), tg.gpu(), new float[] {1f}, 23f, 5f, 7.5f, losses.gpu(), null);
        assertTrue(ops.error(losses) < 1e-5, "eval losses " + ops.error(losses));
        Pair d = ops.output(s, DType.BF16);
        float[] w = {1f, 0.3f};
        ops.cpu.softcappedCrossEntropy(logits.cpu(), tg.cpu(), w, 23f, 5f, 7.5f, losses.cpu(), d.cpu());
        ops.gpu.softcappedCrossEntropy(logits.gpu(), tg.gpu(), w, 23f, 5f, 7.5f, losses.gpu(), d.gpu());
        assertTrue(ops.error(losses) < 1e-5, "losses " + ops.error(losses));
        assertTrue(ops.error(d) < 1e-2, "dlogits " + ops.error(d));
    }
}
