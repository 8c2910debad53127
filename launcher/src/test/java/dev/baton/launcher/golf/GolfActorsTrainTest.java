package dev.baton.launcher.golf;

import dev.baton.launcher.Baton;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * {@code baton train --profile golf-tiny} with {@code baton.devices.count = 2} runs through the
 * actors and logs what the single-device run logs: the same validation before training and the
 * same training losses for a step-based warm-down (4 decimals, the log's precision), the same
 * score of the weight average and of the artifact's round trip, and saves the weights.
 */
class GolfActorsTrainTest {
    @TempDir
    Path work;

    private record Run(int code, String out, String err) {
    }

    /** Both runs read the same 2 slices of 512 tokens per step: 1 device x 2 micro-steps, 2 devices x 1. */
    private Run train(int devices) {
        List<String> args = new ArrayList<>(List.of("train", "--profile", "golf-tiny", "--set", "baton.run.work-dir=" + work,
                "--set", "baton.run.checkpoint-dir=" + work.resolve("ck" + devices),
                "--set", "baton.run.grad-accum-steps=" + 2 / devices, "--set", "baton.golf.eval.max-tokens=513", "--set", "baton.golf.train.seq-len=128",
                "--set", "baton.golf.train.iterations=3", "--set", "baton.golf.train.warmdown-iters=2",
                "--set", "baton.golf.train.max-wallclock-seconds=0",
                "--set", "baton.golf.train.tokens-per-step=1024", "--set", "baton.devices.cpu-threads=2",
                "--set", "baton.devices.count=" + devices));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static List<String> matches(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void twoDevicesLogTheSingleDeviceLossesAndWriteTheArtifact() throws Exception {
        Run one = train(1);
        Run two = train(2);
        assertEquals(0, one.code(), one.err());
        assertEquals(0, two.code(), two.err());
        assertTrue(two.out().contains("on 2 CPU devices through the actors"), two.out());
        List<String> losses = matches(two.out(), "step:\\d/3 (train_loss:[0-9.]+)");
        assertEquals(3, losses.size(), two.out());
        assertEquals(matches(one.out(), "step:\\d/3 (train_loss:[0-9.]+)"), losses, one.out() + "\n" + two.out());
        assertEquals(matches(one.out(), "step:0/3 (val_loss:[0-9.]+ val_bpb:[0-9.]+)"),
                matches(two.out(), "step:0/3 (val_loss:[0-9.]+ val_bpb:[0-9.]+)"), two.out());
        // the weight average (golf-tiny's decay 0.95) and the artifact's round trip, at the log's 4 decimals
        String ema = "\\nema (val_loss:[0-9.]+ val_bpb:[0-9.]+)";
        assertEquals(1, matches(two.out(), ema).size(), two.out());
        assertEquals(matches(one.out(), ema), matches(two.out(), ema), one.out() + "\n" + two.out());
        String roundTrip = "final_int8_zlib_roundtrip (val_loss:[0-9.]+ val_bpb:[0-9.]+)";
        assertEquals(1, matches(two.out(), roundTrip).size(), two.out());
        assertEquals(matches(one.out(), roundTrip), matches(two.out(), roundTrip), one.out() + "\n" + two.out());
        assertTrue(Files.isRegularFile(work.resolve("ck2/golf/step-00000003/weights.safetensors")), two.out());
    }
}
