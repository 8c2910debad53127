package dev.baton.launcher.command;

import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.launcher.Baton;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** {@code baton bench} without a GPU and with wrong arguments: one line on stderr, exit 2, nothing run. */
class BenchCommandTest {
    private record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
        }
    }

    private static Run baton(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertOneLine(Run run, String... fragments) {
        assertEquals(2, run.code(), run.err());
        assertEquals(1, run.errLines().size(), "one line on stderr: " + run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "'" + f + "' in: " + run.err());
        }
        assertFalse(run.err().contains("Exception"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void withoutAGpuItSaysSoInOneLine() {
        assumeFalse(CudaAvailability.probe().available(), "this machine has a GPU: the benchmark would run");
        assertOneLine(baton("bench"), "baton bench: no CUDA device", "needs one NVIDIA GPU");
        assertOneLine(baton("bench", "--profile", "speedrun-1gpu", "--compare-pytorch"), "no CUDA device");
    }

    @Test
    void wrongArgumentsAreOneLineErrors() {
        assertOneLine(baton("bench", "--phase", "7"), "--phase 7: must be 0, 1, 2 or 3");
        assertOneLine(baton("bench", "--via", "pigeon"), "--via pigeon: must be direct, actors or both");
        assertOneLine(baton("bench", "--profile", "tiny-cpu"), "profile tiny-cpu runs on 2 cpu device(s)",
                "use --profile speedrun-1gpu");
        assertOneLine(baton("bench", "--set", "baton.model.model-dim=512", "--set", "baton.model.head-dim=64",
                "--set", "baton.model.num-heads=8"), "baton.model.model-dim = 512");
    }
}
