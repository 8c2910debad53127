package dev.baton.kernels.ops;

import dev.baton.kernels.ops.OpsPair.Pair;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * embedding.cu against CpuOps: the gather is exact (bf16 table into a bf16 output); the atomic
 * scatter-add of bf16 row gradients into an fp32 table gradient, with tokens repeated many times
 * (a Zipf-like draw, as text), matches to 1e-6 (fp32 sums in another order).
 */
@GpuTest
class EmbeddingGpuTest {
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

    private static int[] zipfIds(long seed, int n, int vocab) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (int) Math.min(vocab - 1, Math.floor(Math.exp(r.nextDouble() * Math.log(vocab))) - 1);
        }
        return ids;
    }

    @ParameterizedTest
    @ValueSource(ints = {768, 64, 20})
    void gatherAndScatterAdd(int cols) {
        int vocab = 5000;
        int n = 6001;
        Pair table = ops.gaussianInput(61, Shape.of(vocab, cols), DType.BF16, 1f);
        Pair ids = ops.ints(zipfIds(62, n, vocab), Shape.of(n));
        Pair out = ops.output(Shape.of(n, cols), DType.BF16);
        ops.cpu.embeddingForward(table.cpu(), ids.cpu(), out.cpu());
        ops.gpu.embeddingForward(table.gpu(), ids.gpu(), out.gpu());
        assertArrayEquals(ops.cpuValues(out), ops.gpuValues(out), "gather is a copy");

        Pair dout = ops.gaussianInput(63, Shape.of(n, cols), DType.BF16, 1f);
        Pair dtable = ops.gaussianInput(64, Shape.of(vocab, cols), DType.F32, 1f);
        ops.cpu.embeddingBackward(dout.cpu(), ids.cpu(), dtable.cpu());
        ops.gpu.embeddingBackward(dout.gpu(), ids.gpu(), dtable.gpu());
        assertTrue(ops.error(dtable) < 1e-6, "scatter-add " + ops.error(dtable));
    }
}
