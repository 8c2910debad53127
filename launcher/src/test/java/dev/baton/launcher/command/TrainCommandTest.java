package dev.baton.launcher.command;

import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.launcher.Baton;
import dev.baton.launcher.MicroRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code baton train} (through the actor runtime on 2 CPU devices), {@code eval} and {@code sample} end to end on a micro model (4 layers of the
 * record's features, d = 16, 8 steps, 2 devices' batches) over byte260 shards: training writes the
 * loss log and checkpoints and prints a sample; eval reproduces the run's final validation loss;
 * a seed fixes a sample; {@code --resume} from the middle reproduces the log; a checkpoint of
 * another model, a missing checkpoint and bad weights end in one line with exit code 2.
 */
class TrainCommandTest {
    @TempDir
    static Path dir;
    static Path conf;
    static Run first;

    private record Run(int code, String out, String err) {
    }

    private static Run baton(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void trainOnce() throws IOException {
        conf = MicroRun.prepare(dir, 120, 6, 2);
        first = baton("train", "--config", conf.toString(), "--sample-tokens", "30");
    }

    @Test
    void trainingWritesLogCheckpointsAndASample() throws IOException {
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("2 CPU device(s) (1 thread each) x 1 micro-step per step, through the actor runtime"), first.err());
        assertTrue(first.out().contains("checkpoint: " + dir.resolve("work/checkpoints/step-00000008")), first.out());
        assertTrue(first.out().contains("loss log:   " + dir.resolve("work/logs/train.jsonl")), first.out());
        assertTrue(first.out().contains("sample (30 tokens"), first.out());
        assertTrue(Files.isDirectory(dir.resolve("work/checkpoints/step-00000004")), "checkpoint-every 4");
        assertTrue(Files.isRegularFile(dir.resolve("work/checkpoints/step-00000008/weights.safetensors")));
        List<String> log = Files.readAllLines(dir.resolve("work/logs/train.jsonl"));
        assertEquals(9, log.size(), "steps 0..8");
        assertTrue(log.get(8).contains("\"step\": 8"), log.get(8));
    }

    @Test
    void evalReproducesTheFinalValidationLoss() throws IOException {
        Run eval = baton("eval", "--checkpoint", dir.resolve("work/checkpoints").toString());
        assertEquals(0, eval.code(), eval.err());
        Matcher m = Pattern.compile("\"val_loss\": ([0-9.]+)").matcher(Files.readAllLines(dir.resolve("work/logs/train.jsonl")).get(8));
        assertTrue(m.find());
        assertTrue(eval.out().startsWith(String.format(java.util.Locale.ROOT, "val_loss %.4f", Double.parseDouble(m.group(1)))),
                eval.out() + " vs " + m.group(1));
        assertTrue(eval.out().contains("after 8 steps"), eval.out());
    }

    @Test
    void aSeedFixesTheSample() {
        String ckpt = dir.resolve("work/checkpoints/step-00000008").toString();
        Run a = baton("sample", "--checkpoint", ckpt, "--prompt", "the ", "--tokens", "24", "--seed", "5");
        Run b = baton("sample", "--checkpoint", ckpt, "--prompt", "the ", "--tokens", "24", "--seed", "5");
        Run c = baton("sample", "--checkpoint", ckpt, "--prompt", "the ", "--tokens", "24", "--seed", "6");
        assertEquals(0, a.code(), a.err());
        assertTrue(a.out().startsWith("the "), a.out());
        assertEquals(a.out(), b.out());
        assertFalse(a.out().equals(c.out()), "another seed: " + a.out() + " / " + c.out());
    }

    @Test
    void resumingFromTheMiddleReproducesTheLog() throws IOException {
        assertEquals(0, first.code(), first.err());
        List<String> straight = withoutTimes(Files.readAllLines(dir.resolve("work/logs/train.jsonl")));
        Run resumed = baton("train", "--config", conf.toString(), "--sample-tokens", "0", "--resume",
                dir.resolve("work/checkpoints/step-00000004").toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(straight, withoutTimes(Files.readAllLines(dir.resolve("work/logs/train.jsonl"))));
    }

    @Test
    void userErrorsEndInOneLineWithExitCode2() {
        Run other = baton("train", "--config", conf.toString(), "--resume", "--set", "baton.model.model-dim=32",
                "--set", "baton.model.head-dim=16", "--set", "baton.run.log-dir=" + dir.resolve("otherlogs"));
        assertOneLine(other, "model-dim is 16 there and 32 here");
        assertOneLine(baton("eval", "--checkpoint", dir.resolve("nope").toString()), "checkpoint " + dir.resolve("nope")
                + " does not exist");
        assertOneLine(baton("sample", "--checkpoint", dir.toString()), "holds no complete checkpoint");
        assertOneLine(baton("train", "--config", conf.toString(), "--init-from", conf.toString(),
                "--set", "baton.run.work-dir=" + dir.resolve("w2")), "micro.conf");
        assertOneLine(baton("train", "--config", conf.toString(), "--set", "baton.model.num-heads=3"),
                "baton.model.model-dim");
    }

    @Test
    void cudaWithoutAGpuSaysSoInOneLine() {
        assumeFalse(CudaAvailability.probe().available(), "a GPU is present: CudaTrainGpuTest trains on it");
        Run run = baton("train", "--config", conf.toString(), "--set", "baton.devices.kind=cuda", "--set",
                "baton.run.work-dir=" + dir.resolve("w3"));
        assertEquals(3, run.code(), run.out() + run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("baton train: baton.devices.kind = cuda but no CUDA device is available ("),
                run.err());
        assertTrue(run.err().contains("use --set baton.devices.kind=cpu"), run.err());
        assertFalse(Files.exists(dir.resolve("w3/checkpoints")), "nothing written");
    }

    private static void assertOneLine(Run run, String fragment) {
        assertEquals(2, run.code(), run.out() + run.err());
        List<String> lines = run.err().lines().filter(l -> !l.startsWith("baton train: profile")
                && !l.startsWith("baton train: data") && !l.startsWith("baton train: 2 CPU device")).toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).contains(fragment), "'" + fragment + "' in: " + run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    private static List<String> withoutTimes(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll(", \"elapsed_ms\": \\d+", "")).toList();
    }
}
