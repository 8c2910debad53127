package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.launcher.Baton;
import dev.baton.runtime.golf.eval.NgramConfig;
import dev.baton.runtime.golf.eval.TestTimeTrainingConfig;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code baton.golf.eval.ttt} and {@code .ngram}: off by default, the record's constants when
 * switched on, mistakes named by key; and {@code baton eval --metric bpb} with both on prints the
 * adapted score beside the plain one and leaves the checkpoint file as it was.
 */
class GolfScoreFirstTest {
    @TempDir
    Path work;

    private static GolfScoreFirst bind(String... sets) {
        return GolfScoreFirst.of(ConfigLoader.fromClasspath().load(ConfigRequest.profile("golf-tiny").withSets(sets))
                .settings());
    }

    @Test
    void offByDefaultAndTheRecordsConstantsWhenOn() {
        GolfScoreFirst off = bind();
        assertNull(off.ttt());
        assertNull(off.ngram());
        GolfScoreFirst on = bind("baton.golf.eval.ttt.enabled=true", "baton.golf.eval.ngram.enabled=true");
        assertEquals(TestTimeTrainingConfig.record(), on.ttt());
        assertEquals(NgramConfig.record(), on.ngram());
        assertEquals("ttt_ngram", on.tag());
        BatonConfigException e = assertThrows(BatonConfigException.class,
                () -> bind("baton.golf.eval.ngram.enabled=true", "baton.golf.eval.ngram.buckets=1000"));
        assertTrue(e.getMessage().startsWith("baton.golf.eval.ngram: ") && e.getMessage().contains("power of two"),
                e.getMessage());
        e = assertThrows(BatonConfigException.class,
                () -> bind("baton.golf.eval.ttt.enabled=true", "baton.golf.eval.ttt.momentum=1.5"));
        assertTrue(e.getMessage().startsWith("baton.golf.eval.ttt: "), e.getMessage());
    }

    @Test
    void evalPrintsTheAdaptedScoreAndLeavesTheCheckpointAlone() throws Exception {
        Path weights = GolfTinyCheckpoint.write(work, 5);
        byte[] before = Files.readAllBytes(weights);
        List<String> args = new ArrayList<>(List.of("eval", "--metric", "bpb", "--checkpoint", weights.toString(),
                "--profile", "golf-tiny", "--set", "baton.run.work-dir=" + work, "--set", "baton.golf.ema-decay=0",
                "--set", "baton.golf.eval.max-tokens=1025", "--set", "baton.golf.train.seq-len=128",
                "--set", "baton.golf.eval.ttt.enabled=true", "--set", "baton.golf.eval.ttt.chunk-tokens=256",
                "--set", "baton.golf.eval.ttt.epochs=1", "--set", "baton.golf.eval.ttt.batch-sequences=2",
                "--set", "baton.golf.eval.ngram.enabled=true",
                "--set", "baton.golf.eval.ngram.buckets=65536"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        assertEquals(0, code, err.toString());
        String text = out.toString();
        double plain = bpb(text, "exact");
        double adapted = bpb(text, "ttt_ngram_exact");
        assertTrue(Double.isFinite(adapted) && adapted != plain, plain + " vs " + adapted);
        assertTrue(text.contains("ttt: trained on 3 of 4 chunks after scoring them"), text);
        assertTrue(text.contains("ngram: mixed at "), text);
        assertArrayEquals(before, Files.readAllBytes(weights));
    }

    private static double bpb(String out, String label) {
        Matcher m = Pattern.compile("(?m)^" + label + " val_loss:[0-9.]+ val_bpb:([0-9.]+)").matcher(out);
        assertTrue(m.find(), label + " in:\n" + out);
        return Double.parseDouble(m.group(1));
    }
}
