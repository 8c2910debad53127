package dev.baton.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C (here SIGTERM, which runs the same shutdown hook) on {@code java -jar baton.jar train}:
 * the step in flight finishes, a checkpoint of an Adam step is written, the process exits, and
 * {@code --resume} completes the run from it (the log then holds every step once).
 */
class TrainStopIT {
    private static final Path JAR = Path.of(System.getProperty("launcher.jar", "target/baton.jar"));

    @Test
    void aSignalStopsAfterAStepWithACheckpointThatResumes(@TempDir Path dir) throws Exception {
        Path conf = MicroRun.prepare(dir, 1500, 180, 20);
        Process p = new ProcessBuilder(java(), "--add-modules=jdk.incubator.vector", "-jar", JAR.toString(), "train",
                "--config", conf.toString(), "--sample-tokens", "0").redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
                if (line.startsWith("step 6/200")) {
                    // SIGTERM (the JVM runs its shutdown hooks, as on Ctrl-C); unlike Process.destroy
                    // the handle leaves the output stream open to read to the end
                    p.toHandle().destroy();
                }
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the process ends");
        assertTrue(output.stream().anyMatch(l -> l.startsWith("step 6/200")), String.join("\n", output));
        Path checkpoints = dir.resolve("work/checkpoints");
        String latest = Files.readString(checkpoints.resolve("latest")).trim();
        int stopped = Integer.parseInt(latest.substring("step-".length()));
        assertTrue(stopped >= 6 && stopped < 200 && stopped % 2 == 0, "stopped after an Adam step: " + latest);
        List<String> log = Files.readAllLines(dir.resolve("work/logs/train.jsonl"));
        assertEquals(stopped + 1, log.size(), "steps 0.." + stopped + " logged");

        Process resumed = new ProcessBuilder(java(), "--add-modules=jdk.incubator.vector", "-jar", JAR.toString(), "train",
                "--config", conf.toString(), "--sample-tokens", "0", "--resume").redirectErrorStream(true).start();
        String text = new String(resumed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(resumed.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, resumed.exitValue(), text);
        assertEquals(201, Files.readAllLines(dir.resolve("work/logs/train.jsonl")).size(), text);
        assertTrue(text.contains("checkpoint: " + checkpoints.resolve("step-00000200")), text);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
