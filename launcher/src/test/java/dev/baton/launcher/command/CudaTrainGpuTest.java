package dev.baton.launcher.command;

import dev.baton.kernels.testing.GpuTest;
import dev.baton.launcher.Baton;
import dev.baton.launcher.MicroRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code baton train} with {@code baton.devices.kind = cuda, count = 1}: the golden record-small
 * model (the record's 11-layer layout at d = 64, 4 heads of 16, block 16, seed 1234) trains 3 steps
 * through the actor runtime on a {@link dev.baton.actors.cuda.CudaBackend}, writes its loss log and
 * checkpoint, and its training and validation losses follow the same run on one CPU device within
 * the bf16 tolerance of the CUDA actor test (2e-3 relative).
 */
@GpuTest
class CudaTrainGpuTest {
    private static final double BF16_TOLERANCE = 2e-3;

    @Test
    void recordSmallTrainsThreeStepsOnOneGpuAsOnTheCpu(@TempDir Path dir) throws IOException {
        Path conf = recordSmall(dir);
        String[] cpu = run(conf, dir.resolve("cpu"), "cpu");
        String[] gpu = run(conf, dir.resolve("cuda"), "cuda");
        assertEquals("0", cpu[0], cpu[2]);
        assertEquals("0", gpu[0], gpu[2]);
        assertTrue(gpu[2].contains("baton train: 1 GPU(s) (CUDA, NCCL) x 1 micro-step per step"), gpu[2]);
        assertTrue(gpu[1].contains("checkpoint: " + dir.resolve("cuda/checkpoints/step-00000003")), gpu[1]);
        List<Double> onCpu = losses(dir.resolve("cpu/logs/train.jsonl"));
        List<Double> onGpu = losses(dir.resolve("cuda/logs/train.jsonl"));
        assertEquals(4, onCpu.size(), "3 training losses and the final validation (val-every 0): " + onCpu);
        assertEquals(onCpu.size(), onGpu.size(), onGpu.toString());
        for (int i = 0; i < onCpu.size(); i++) {
            double rel = Math.abs(onGpu.get(i) - onCpu.get(i)) / Math.abs(onCpu.get(i));
            System.out.printf("[cuda-train] loss %d: cpu %.6f cuda %.6f (rel %.2e)%n", i, onCpu.get(i), onGpu.get(i), rel);
            assertTrue(rel <= BF16_TOLERANCE, "loss " + i + ": cpu " + onCpu + " cuda " + onGpu);
        }
    }

    /** Exit code, stdout and stderr of a 3-step run on {@code kind} devices working in {@code work}. */
    private static String[] run(Path conf, Path work, String kind) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute("train", "--config",
                conf.toString(), "--sample-tokens", "0", "--set", "baton.run.work-dir=" + work, "--set",
                "baton.devices.kind=" + kind);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** The log's losses in order: each step's training loss, and its validation loss where it validated. */
    private static List<Double> losses(Path log) throws IOException {
        List<Double> out = new ArrayList<>();
        Pattern p = Pattern.compile("\"(train_loss|val_loss)\": ([0-9.]+)");
        for (String line : Files.readAllLines(log)) {
            Matcher m = p.matcher(line);
            while (m.find()) {
                out.add(Double.parseDouble(m.group(2)));
            }
        }
        return out;
    }

    /** Byte shards and the golden record-small configuration with 3 steps on one device. */
    private static Path recordSmall(Path dir) throws IOException {
        MicroRun.prepare(dir, 400, 3, 0);
        Path conf = dir.resolve("record-small.conf");
        Files.writeString(conf, """
                baton {
                  model { vocab-size = 50257, model-dim = 64, num-heads = 4, head-dim = 16, block-size = 16 }
                  optim.adam.lr = 0.008
                  optim.normuon.lr = 0.023
                  optim.schedule { scheduled-steps = 3, extension-steps = 0, batch-tokens = [128, 192, 256],
                    extension-batch-tokens = 256, momentum-warmup-steps = 1, momentum-cooldown-steps = 1 }
                  data { source = files, train-files = "DIR/t_train_*.bin", val-files = "DIR/t_val_*.bin",
                    tokenizer = byte260, max-seq-len = 64, val-tokens = 256, val-batch-tokens = 256 }
                  run { val-every = 0, grad-accum-steps = 1, checkpoint-every = 0, seed = 1234 }
                  devices { count = 1, cpu-threads = 2 }
                  trace.enabled = false
                }
                """.replace("DIR", dir.toString()));
        return conf;
    }
}
