package dev.baton.runtime.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shards written by Baton pass the record's header and size checks, run by reference/check_shard.py (numpy). */
class RecordLoaderCompatibilityTest {
    static final Path SCRIPT = Path.of("..", "reference", "check_shard.py");

    @TempDir
    Path dir;

    record Result(int exit, String output) {
    }

    static Result python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    static void assumeNumpy() {
        Result probe;
        try {
            probe = python("-c", "import numpy");
        } catch (IOException | InterruptedException e) {
            probe = new Result(-1, e.getMessage());
        }
        Assumptions.assumeTrue(probe.exit() == 0, "skipped: python3 with numpy is not on PATH (" + probe.output() + ")");
    }

    @Test
    void recordChecksAcceptBatonShardsAndRejectBadOnes() throws IOException, InterruptedException {
        assumeNumpy();
        assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toAbsolutePath().toString());
        int[] tokens = new int[5000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 100 == 0 ? 50256 : (i * 7919) % 50256;
        }
        Path good = ShardWriter.write(dir.resolve("fineweb_train_000000.bin"), tokens);
        Result ok = python(SCRIPT.toString(), good.toString(), "--vocab", "50257", "--bos", "50256");
        assertEquals(0, ok.exit(), ok.output());
        assertEquals("ok " + good + " tokens=5000 bos=50", ok.output());

        Path bad = dir.resolve("bad.bin");
        byte[] bytes = Files.readAllBytes(good);
        Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length - 2));
        Result truncated = python(SCRIPT.toString(), bad.toString());
        assertEquals(1, truncated.exit());
        assertTrue(truncated.output().startsWith("FAIL " + bad + ": size 11022 != 1024 + 2 * 5000"), truncated.output());
    }
}
