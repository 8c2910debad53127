package dev.baton.kernels.model;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.tensor.Bf16;
import dev.baton.kernels.testing.Accuracy;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole model on the GPU against the fp32 CPU model, on GOLDEN.md's record-small configuration
 * and its step-0 batch, with the same weights on both (rounded to bf16 where the GPU stores bf16):
 * the training loss, the evaluation loss and every parameter gradient, at the record's
 * initialisation (zero output projections) and at perturbed weights where every path carries
 * gradient.
 *
 * <p>First in CudaOps' fp32 reference mode, where every kernel runs on fp32 data: this isolates the
 * kernels' own error (summation order only). Then in the record's precision (bf16 weights and
 * activations, fp32 statistics and gradients), where bf16 rounding of the residual stream and its
 * gradient dominates. Tolerances (relative L2 per gradient):
 * <pre>
 *                                     fp32 mode   bf16 mode
 *   losses (and bf16 vs the golden)     1e-5        1e-3
 *   matrix and embedding gradients      1e-4        3e-2
 *   gate and lambda gradients           1e-3        2.5e-1   (sums over every token of products of
 *                                                             bf16 values that largely cancel)
 * </pre>
 * Gradients that vanish on the CPU (below 1e-6 of the largest gradient norm: at init the lambdas
 * and the skip gate, by the scale invariance of the final norm) must stay below 1e-5 (fp32) or
 * 1e-3 (bf16) of that norm on the GPU.
 */
@GpuTest
class GptGpuTest {
    private static final String RESOURCE = "golden/record-small.safetensors";
    private static final ForwardSchedule STEP0 = new ForwardSchedule(new float[] {1f, 0.5f, 0.25f}, 1, 3);

    /** Tolerances of one precision, see the class comment. */
    private record Tolerance(double loss, double matrix, double reduction, double vanishing) {
    }

    private static final Tolerance FP32 = new Tolerance(1e-5, 1e-4, 1e-3, 1e-5);
    private static final Tolerance BF16 = new Tolerance(1e-3, 3e-2, 2.5e-1, 1e-3);

    private static CudaOps gpu;
    private static CudaOps gpu32;
    private static CpuOps cpu;
    private static SafeTensorsFile golden;
    private static Path goldenCopy;

    @BeforeAll
    static void open() throws IOException {
        goldenCopy = Files.createTempFile("record-small", ".safetensors");
        try (InputStream in = GptGpuTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath (runtime test jar)");
            }
            Files.copy(in, goldenCopy, StandardCopyOption.REPLACE_EXISTING);
        }
        golden = SafeTensorsFile.open(goldenCopy);
        gpu = CudaOps.open(0);
        gpu32 = CudaOps.open(0, DType.F32);
        cpu = new CpuOps();
    }

    @AfterAll
    static void close() {
        golden.close();
        gpu32.close();
        gpu.close();
        cpu.close();
        try {
            Files.deleteIfExists(goldenCopy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Batch batch() {
        return new Batch(golden.ints("batch.0.inputs"), golden.ints("batch.0.targets"), golden.ints("batch.0.cu_seqlens"));
    }

    /** Gives both parameter sets the same values: {@code values} rounded to bf16 for the bf16 GPU tensors. */
    private static void load(CudaOps gpu, ParamSet cpuParams, ParamSet gpuParams, String name, float[] values) {
        Param g = gpuParams.get(name);
        float[] v = values.clone();
        if (g.value().dtype() == DType.BF16) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Bf16.round(v[i]);
            }
        }
        cpu.write(cpuParams.get(name).value(), v);
        gpu.write(g.value(), v);
    }

    private record Result(double loss, double eval, List<float[]> grads) {
    }

    private static Result run(Ops ops, GptConfig config, ParamSet params) {
        try (Gpt gpt = new Gpt(ops, config, params, 256)) {
            Batch b = batch();
            double eval = ops.download(gpt.evaluate(b, STEP0))[0];
            for (Param p : params.all()) {
                ops.fill(p.grad(), 0f);
            }
            double loss = ops.download(gpt.forward(b, STEP0))[0];
            gpt.backward(1f);
            List<float[]> grads = new ArrayList<>();
            for (Param p : params.all()) {
                grads.add(ops.download(p.grad()));
            }
            return new Result(loss, eval, grads);
        }
    }

    /** Gradients computed by a row reduction over every token (gates and lambdas), not by a GEMM or scatter. */
    private static boolean reduction(String name) {
        return name.contains("gate") || name.equals(GptParams.X0_LAMBDAS) || name.equals(GptParams.SCALARS);
    }

    private static void compareModels(CudaOps gpu, boolean perturb, Tolerance tol) {
        GptConfig config = GptConfig.recordSmall();
        gpu.device().makeCurrent();
        try (ParamSet cpuParams = GptParams.create(cpu, config, 1234);
             ParamSet gpuParams = GptParams.allocate(gpu, config)) {
            Random rnd = new Random(5);
            for (Param p : cpuParams.all()) {
                float[] v = cpu.download(p.value());
                if (perturb && !p.name().equals(GptParams.SCALARS)) {
                    double scale = p.name().contains("gate") || p.name().equals(GptParams.X0_LAMBDAS) ? 0.3 : 0.02;
                    for (int i = 0; i < v.length; i++) {
                        v[i] += (float) (scale * rnd.nextGaussian());
                    }
                }
                load(gpu, cpuParams, gpuParams, p.name(), v);
            }
            Result want = run(cpu, config, cpuParams);
            Result got = run(gpu, config, gpuParams);
            String label = gpu.activationType() + (perturb ? " perturbed" : " init");
            System.out.printf("record-small %s: loss cpu %.6f gpu %.6f; eval cpu %.6f gpu %.6f%n", label, want.loss,
                    got.loss, want.eval, got.eval);
            assertEquals(want.loss, got.loss, tol.loss * Math.abs(want.loss), label + " training loss");
            assertEquals(want.eval, got.eval, tol.loss * Math.abs(want.eval), label + " evaluation loss");
            if (!perturb) {
                double ref = golden.doubles("step.0.loss")[0];
                assertEquals(ref, got.loss, tol.loss * Math.abs(ref), "GPU loss vs the PyTorch golden loss");
                double evalRef = golden.doubles("eval.init.loss")[0];
                assertEquals(evalRef, got.eval, tol.loss * Math.abs(evalRef), "GPU eval loss vs the golden");
            }
            double largest = 0;
            for (float[] w : want.grads) {
                largest = Math.max(largest, norm(w));
            }
            List<String> failures = new ArrayList<>();
            int i = 0;
            for (Param p : cpuParams.all()) {
                float[] w = want.grads.get(i);
                float[] g = got.grads.get(i++);
                double n = norm(w);
                if (n < 1e-6 * largest) {
                    double rel = norm(g) / largest;
                    System.out.printf("  %-16s vanishes on the CPU (%.1e); GPU ‖g‖ %.3e of the largest%n", p.name(), n,
                            rel);
                    if (!(rel < tol.vanishing)) {
                        failures.add(p.name() + ": vanishes on the CPU, " + rel + " of the largest norm on the GPU");
                    }
                    continue;
                }
                double err = Accuracy.relativeL2(g, w);
                double bound = reduction(p.name()) ? tol.reduction : tol.matrix;
                System.out.printf("  %-16s ‖g‖ %.3e  relative L2 %.3e (bound %.0e)%n", p.name(), n, err, bound);
                if (!(err < bound)) {
                    failures.add(p.name() + ": relative L2 " + err);
                }
            }
            assertTrue(failures.isEmpty(), label + ": " + String.join("; ", failures));
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    @Test
    void fp32KernelsMatchTheCpuModel() {
        compareModels(gpu32, true, FP32);
        compareModels(gpu32, false, FP32);
    }

    @Test
    void atTheRecordsInitialisation() {
        compareModels(gpu, false, BF16);
    }

    @Test
    void atPerturbedWeightsWhereEveryPathCarriesGradient() {
        compareModels(gpu, true, BF16);
    }
}
