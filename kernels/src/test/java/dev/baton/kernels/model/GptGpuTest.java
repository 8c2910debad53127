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
 * The whole model on the GPU (CudaOps: bf16 weights and activations, fp32 gradients) against the
 * fp32 CPU model, on GOLDEN.md's record-small configuration and its step-0 batch, with the same
 * (bf16-rounded) weights on both: the training loss, the evaluation loss and every parameter
 * gradient. At the record's initialisation (zero output projections) and at perturbed weights
 * where every path carries gradient. Tolerances (bf16 through 11 layers): losses 1e-2 relative
 * (and within 1e-2 of the PyTorch golden loss); gradients 1e-1 relative L2; gradients that are
 * exactly zero on the CPU must be zero on the GPU.
 */
@GpuTest
class GptGpuTest {
    private static final String RESOURCE = "golden/record-small.safetensors";
    private static final ForwardSchedule STEP0 = new ForwardSchedule(new float[] {1f, 0.5f, 0.25f}, 1, 3);
    private static final double LOSS_RTOL = 1e-2;
    private static final double GRAD_RTOL = 1e-1;

    private static CudaOps gpu;
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
        cpu = new CpuOps();
    }

    @AfterAll
    static void close() {
        golden.close();
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
    private static void load(ParamSet cpuParams, ParamSet gpuParams, String name, float[] values) {
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

    private static void compareModels(boolean perturb) {
        GptConfig config = GptConfig.recordSmall();
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
                load(cpuParams, gpuParams, p.name(), v);
            }
            Result want = run(cpu, config, cpuParams);
            Result got = run(gpu, config, gpuParams);
            String label = perturb ? "perturbed" : "init";
            System.out.printf("record-small %s: loss cpu %.6f gpu %.6f; eval cpu %.6f gpu %.6f%n", label, want.loss,
                    got.loss, want.eval, got.eval);
            assertEquals(want.loss, got.loss, LOSS_RTOL * Math.abs(want.loss), label + " training loss");
            assertEquals(want.eval, got.eval, LOSS_RTOL * Math.abs(want.eval), label + " evaluation loss");
            if (!perturb) {
                double ref = golden.doubles("step.0.loss")[0];
                assertEquals(ref, got.loss, LOSS_RTOL * Math.abs(ref), "GPU loss vs the PyTorch golden loss");
                double evalRef = golden.doubles("eval.init.loss")[0];
                assertEquals(evalRef, got.eval, LOSS_RTOL * Math.abs(evalRef), "GPU eval loss vs the golden");
            }
            List<String> failures = new ArrayList<>();
            int i = 0;
            for (Param p : cpuParams.all()) {
                float[] w = want.grads.get(i);
                float[] g = got.grads.get(i++);
                double norm = 0;
                double gpuMax = 0;
                for (int j = 0; j < w.length; j++) {
                    norm += (double) w[j] * w[j];
                    gpuMax = Math.max(gpuMax, Math.abs(g[j]));
                }
                if (norm == 0) {
                    System.out.printf("  %-16s zero on the CPU; GPU max |g| %.3e%n", p.name(), gpuMax);
                    if (gpuMax != 0) {
                        failures.add(p.name() + ": zero on the CPU, max |g| " + gpuMax + " on the GPU");
                    }
                    continue;
                }
                double err = Accuracy.relativeL2(g, w);
                System.out.printf("  %-16s ‖g‖ %.3e  relative L2 %.3e%n", p.name(), Math.sqrt(norm), err);
                if (!(err < GRAD_RTOL)) {
                    failures.add(p.name() + ": relative L2 " + err);
                }
            }
            assertTrue(failures.isEmpty(), label + ": " + String.join("; ", failures));
        }
    }

    @Test
    void atTheRecordsInitialisation() {
        compareModels(false);
    }

    @Test
    void atPerturbedWeightsWhereEveryPathCarriesGradient() {
        compareModels(true);
    }
}
