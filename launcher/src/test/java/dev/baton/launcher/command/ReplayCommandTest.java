package dev.baton.launcher.command;

import dev.baton.launcher.Baton;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code baton replay} in-process on a hand-made two-rank step whose times are worked out by hand
 * (the replay module's StepSimulatorTest explains them): the recorded and predicted step times
 * it prints, the files it writes, and one-line errors for bad inputs.
 */
class ReplayCommandTest {
    /** Two ranks; a sharded parameter a (reduce-scatter, update, all-gather) and a replicated b; 290 µs. */
    static final String SCHEDULE = String.join("\n",
            "baton-schedule 1", "step 7", "world 2", "micro_steps 1", "adam_step true", "tied false",
            "link_latency_ns 50000", "link_bytes_per_second 2.0E7", "param_order a,b", "work_order a,b", "groups -",
            "cmd 0 comm 0 reduce_scatter a 1000 0 0.0 100.0 200.0 compute#0",
            "cmd 0 comm 1 all_reduce b 800 1 0.0 200.0 240.0 -",
            "cmd 0 comm 2 all_gather a 1000 2 0.0 240.0 290.0 compute#1",
            "cmd 0 compute 0 forward_backward - 0 -1 0.0 0.0 100.0 -",
            "cmd 0 compute 1 update a 0 -1 0.0 200.0 230.0 comm#0",
            "cmd 0 compute 2 update b 0 -1 0.0 240.0 260.0 comm#1",
            "cmd 0 compute 3 clear_grads a+b 0 -1 0.0 260.0 260.0 -",
            "cmd 0 compute 4 loss - 0 -1 0.0 260.0 260.0 -",
            "cmd 1 comm 0 reduce_scatter a 1000 0 0.0 150.0 200.0 compute#0",
            "cmd 1 comm 1 all_reduce b 800 1 0.0 200.0 240.0 -",
            "cmd 1 comm 2 all_gather a 1000 2 0.0 240.0 290.0 compute#1",
            "cmd 1 compute 0 forward_backward - 0 -1 0.0 0.0 150.0 -",
            "cmd 1 compute 1 update a 0 -1 0.0 200.0 230.0 comm#0",
            "cmd 1 compute 2 update b 0 -1 0.0 240.0 260.0 comm#1",
            "cmd 1 compute 3 clear_grads a+b 0 -1 0.0 260.0 260.0 -",
            "cmd 1 compute 4 loss - 0 -1 0.0 260.0 260.0 -", "");

    private record Run(int code, String out, String err) {
    }

    private static Run baton(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Path schedule(Path dir) throws IOException {
        Path trace = Files.createDirectories(dir.resolve("trace"));
        Path f = trace.resolve("schedule-step-00000007.txt");
        Files.writeString(f, SCHEDULE);
        return f;
    }

    @Test
    void replaysPredictsTunesProjectsAndWritesTheFiles(@TempDir Path dir) throws IOException {
        Path f = schedule(dir);
        Path out = dir.resolve("out");
        Run r = baton("replay", f.getParent().toString(), "--param-order", "b,a", "--work-order", "b,a", "--tune",
                "--world", "2,4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Recorded step time 0.290 ms"), r.out());
        assertTrue(r.out().contains("Model with the recorded orders: 0.290 ms (+0.0% vs recorded)"), r.out());
        assertTrue(r.out().contains("Prediction for param b,a | work b,a | groups -: 0.320 ms (+10.3%"), r.out());
        assertTrue(r.out().contains("critical path: 0.290 ms"), r.out());
        assertTrue(r.out().contains("exhaustive over 4 combinations"), r.out());
        assertTrue(r.out().contains("World sizes (projected from W=2)"), r.out());
        assertTrue(Files.readString(out.resolve("gantt-step-00000007.svg")).contains("predicted, tuned #1"));
        assertTrue(Files.readString(out.resolve("predicted-step-00000007.json")).contains("\"traceEvents\""));
        String conf = Files.readString(out.resolve("tuned-orders.conf"));
        assertTrue(conf.contains("baton.optim.scatter-order = [\"a\", \"b\"]"), conf);

        Run again = baton("replay", f.toString(), "--orders", out.resolve("tuned-orders.conf").toString(), "--out", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("Prediction for param a,b | work a,b | groups -: 0.290 ms"), again.out());
    }

    @Test
    void badInputsAreOneLineErrorsWithExitCode2(@TempDir Path dir) throws IOException {
        Path f = schedule(dir);
        for (List<String> args : List.of(
                List.of("replay", dir.resolve("missing.txt").toString()),
                List.of("replay", dir.toString()),
                List.of("replay", f.toString(), "--param-order", "a,zeta"),
                List.of("replay", f.toString(), "--step", "3"),
                List.of("replay", f.toString(), "--world", "two"))) {
            Run r = baton(args.toArray(String[]::new));
            assertEquals(2, r.code(), args + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("baton replay: "), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        assertTrue(baton("replay", f.toString(), "--param-order", "a,zeta").err().contains("'zeta'"));
        assertTrue(baton("replay", dir.toString()).err().contains("holds no schedule-step-*.txt files"));
        Files.writeString(f, "garbage\n");
        assertTrue(baton("replay", f.toString()).err().contains("is not a Baton schedule file"));
    }
}
