package dev.baton.launcher;

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

/** The command line run in-process: help, exit codes, one-line errors, info --config. */
class BatonCliTest {
    private static final List<String> SUBCOMMANDS = List.of("train", "eval", "sample", "prepare", "replay", "bench", "info",
            "export");

    /** Exit code and the two captured streams of one invocation. */
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

    private static void assertOneLineError(Run run, int code, String... fragments) {
        assertEquals(code, run.code(), run.err());
        assertEquals(1, run.errLines().size(), "one line on stderr: " + run.err());
        for (String fragment : fragments) {
            assertTrue(run.err().contains(fragment), "'" + fragment + "' in: " + run.err());
        }
        assertFalse(run.err().contains("Exception"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void helpListsEverySubcommand() {
        Run run = baton("--help");
        assertEquals(0, run.code());
        for (String name : SUBCOMMANDS) {
            assertTrue(run.out().lines().anyMatch(line -> line.startsWith("  " + name + " ")), name + " in:\n" + run.out());
        }
    }

    @Test
    void everySubcommandHasHelp() {
        for (String name : SUBCOMMANDS) {
            Run run = baton(name, "--help");
            assertEquals(0, run.code(), name);
            assertTrue(run.out().startsWith("Usage: baton " + name), run.out());
        }
        assertTrue(baton("train", "--help").out().contains("--set=KEY=VALUE"));
        assertTrue(baton("info", "--help").out().contains("--config[=FILE]"));
    }

    @Test
    void versionNamesTheBuild() {
        Run run = baton("--version");
        assertEquals(0, run.code());
        assertTrue(run.out().matches("baton \\d+\\.\\d+\\.\\d+\\S*\\R"), run.out());
        assertEquals(run.out(), baton("train", "--version").out());   // inherited by every subcommand
    }

    @Test
    void unknownSubcommandIsOneLineAndExitCode2() {
        assertOneLineError(baton("frobnicate"), 2, "unknown subcommand 'frobnicate'", "try 'baton --help'");
        assertOneLineError(baton("trian"), 2, "unknown subcommand 'trian'", "did you mean 'train'?");
    }

    @Test
    void unknownOptionIsOneLineAndExitCode2() {
        assertOneLineError(baton("--frob"), 2, "Unknown option: '--frob'", "try 'baton --help'");
        assertOneLineError(baton("train", "--frob"), 2, "baton train: Unknown option: '--frob'", "try 'baton train --help'");
        assertOneLineError(baton("info", "--profile"), 2, "baton info: Missing required parameter", "--profile");
        assertOneLineError(baton("replay"), 2, "baton replay: Missing required parameter", "SCHEDULE");
    }

    @Test
    void evalWithoutACheckpointIsAUsageError() {
        assertOneLineError(baton("eval"), 2, "baton eval: Missing required option: '--checkpoint=DIR'");
    }

    @Test
    void configErrorsAreOneLineAndExitCode2() {
        assertOneLineError(baton("train", "--set", "baton.model.num-layer=3"), 2,
                "baton train: unknown key 'baton.model.num-layer'", "did you mean 'baton.model.num-layers'?");
        assertOneLineError(baton("info", "--config", "--profile", "nope"), 2,
                "unknown profile 'nope'; valid profiles: tiny-cpu, speedrun-8xh100, speedrun-1gpu, cluster, golf-baseline, golf-tiny");
        assertOneLineError(baton("train", "--config", "/nonexistent/baton.conf"), 2,
                "config file not found: /nonexistent/baton.conf");
        assertOneLineError(baton("info", "--config", "--set", "baton.run.seed=many"), 2,
                "baton.run.seed expects a number but got the string \"many\" (from --set baton.run.seed=many)");
    }

    @Test
    void infoConfigPrintsTheResolvedTreeWithOverrides() {
        Run run = baton("info", "--config", "--set", "baton.model.num-layers=7", "--set", "baton.run.work-dir=/tmp/w");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("baton {"), run.out());
        assertTrue(run.out().contains("num-layers=7"), run.out());
        assertTrue(run.out().contains("checkpoint-dir=\"/tmp/w/checkpoints\""), run.out());
        assertTrue(run.out().contains("tokenizer=byte260"), run.out());   // the default profile, tiny-cpu
        assertFalse(run.out().contains("#"), "no origin comments");

        Run record = baton("info", "--profile", "speedrun-8xh100", "--config");
        assertTrue(record.out().contains("kind=cuda"), record.out());
        assertTrue(record.out().contains("model-dim=768"), record.out());
    }

    @Test
    void infoConfigLayersAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mine.conf");
        Files.writeString(file, "baton.devices.count = 6\nbaton.run.seed = 99\n");
        Run run = baton("info", "--config", file.toString(), "--set", "baton.run.seed=5");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("count=6"), run.out());
        assertTrue(run.out().contains("seed=5"), run.out());
        assertFalse(run.out().contains("seed=99"), run.out());
    }

    @Test
    void infoSummarisesTheBuildTheMachineAndTheProfile() {
        Run run = baton("info");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("baton "), run.out());
        assertTrue(run.out().contains("\ncores: " + Runtime.getRuntime().availableProcessors() + "\n"), run.out());
        assertTrue(run.out().contains("profiles: tiny-cpu (default), speedrun-8xh100, speedrun-1gpu, cluster, golf-baseline, golf-tiny"), run.out());
        assertTrue(run.out().contains("profile tiny-cpu: 11 layers, dim 64"), run.out());
        assertTrue(run.out().contains("CUDA backend: see `baton info --devices`"), run.out());

        Run devices = baton("info", "--devices");
        assertTrue(devices.out().startsWith("cpu: " + Runtime.getRuntime().availableProcessors() + " cores"), devices.out());
        assertTrue(devices.out().contains("Vector API"), devices.out());
        assertTrue(devices.out().lines().skip(1).findFirst().orElse("").startsWith("CUDA"), "the CUDA probe's answer: " + devices.out());
    }
}
