package dev.baton.launcher.golf;

import dev.baton.launcher.Baton;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test fixture: one in-process {@code baton} command line on the golf-tiny profile, cut to test size
 * (eval over 1,025 tokens, sequences of 128) and working in a test's folder; what it exited with and
 * printed.
 */
record GolfTinyRun(int code, String out, String err) {
    /** Runs {@code args}, then the golf-tiny options, then {@code sets} (each a {@code --set} pair). */
    static GolfTinyRun of(Path work, List<String> sets, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--profile", "golf-tiny", "--set", "baton.run.work-dir=" + work,
                "--set", "baton.golf.eval.max-tokens=1025", "--set", "baton.golf.train.seq-len=128"));
        all.addAll(sets);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new GolfTinyRun(code, out.toString(), err.toString());
    }

    /** The val_bpb printed on the first {@code <label> val_loss:… val_bpb:…} line; fails if none. */
    double bpb(String label) {
        Matcher m = Pattern.compile(label + " val_loss:[0-9.]+ val_bpb:([0-9.]+)").matcher(out);
        assertTrue(m.find(), label + " in:\n" + out);
        return Double.parseDouble(m.group(1));
    }
}
