package dev.baton.launcher.command;

import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.launcher.Baton;
import dev.baton.launcher.MicroRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code baton train} with {@code baton.cluster.nodes = 2}: two JVMs of the real launcher on
 * loopback, one CPU device each, train the micro model with the same per-step losses as one
 * process with two devices; a node whose partner never comes, and a node with another secret,
 * end in one line with exit code 1, and a GPU node on a machine without a GPU in one line before it joins.
 */
@Timeout(180)
class ClusterTrainCommandTest {
    private static final int STEPS = 4;
    private static final Pattern TRAIN_LOSS = Pattern.compile("\"train_loss\": ([-0-9.Ee]+)");

    private record Run(int code, String out, String err) {
    }

    private static Run baton(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void twoNodesOfOneDeviceTrainLikeOneProcessOfTwo(@TempDir Path dir) throws Exception {
        Path conf = MicroRun.prepare(dir, 120, STEPS, 0);
        Run single = baton("train", "--config", conf.toString(), "--sample-tokens", "0",
                "--set", "baton.run.work-dir=" + dir.resolve("single"));
        assertEquals(0, single.code(), single.err());
        List<Double> reference = trainLosses(dir.resolve("single/logs/train.jsonl"));
        assertEquals(STEPS, reference.size(), reference.toString());

        int a = freePort();
        int b = freePort();
        List<String> sets = List.of("baton.cluster.nodes=2", "baton.devices.count=1", "baton.cluster.host=127.0.0.1",
                "baton.cluster.seed-nodes=[\"pekko://baton@127.0.0.1:" + a + "\"]", "baton.cluster.secret=test-secret",
                "baton.cluster.join-timeout-s=60", "baton.run.work-dir=" + dir.resolve("cluster"));
        Process seed = node(conf, a, sets, dir.resolve("a.log"));
        Process other = node(conf, b, sets, dir.resolve("b.log"));
        try {
            assertTrue(seed.waitFor(150, TimeUnit.SECONDS), "seed ends\n" + logs(dir));
            assertTrue(other.waitFor(30, TimeUnit.SECONDS), "other node ends\n" + logs(dir));
            assertEquals(0, seed.exitValue(), logs(dir));
            assertEquals(0, other.exitValue(), logs(dir));
        } finally {
            seed.destroyForcibly();
            other.destroyForcibly();
        }
        List<Double> clustered = trainLosses(dir.resolve("cluster/logs/train.jsonl"));
        assertEquals(reference.size(), clustered.size(), logs(dir));
        for (int i = 0; i < reference.size(); i++) {
            double r = reference.get(i);
            assertEquals(r, clustered.get(i), 1e-5 * Math.abs(r), "step " + (i + 1) + ": " + clustered + " vs " + reference);
        }
        // the leader (lower port) prints the steps; both end with the run's summary
        String leader = Files.readString(dir.resolve(a < b ? "a.log" : "b.log"));
        String follower = Files.readString(dir.resolve(a < b ? "b.log" : "a.log"));
        assertTrue(leader.contains("step " + STEPS + "/" + STEPS), leader);
        assertTrue(leader.contains("checkpoint: " + dir.resolve("cluster/checkpoints/step-0000000" + STEPS)), leader);
        assertTrue(follower.contains("checkpoint: " + dir.resolve("cluster/checkpoints/step-0000000" + STEPS)), follower);
        assertTrue(follower.contains("loss log:   none here"), follower);
        assertTrue(follower.contains("this node drives ranks [1]; the leader is 127.0.0.1:" + Math.min(a, b)), follower);
    }

    @Test
    void aGpuNodeWithoutAGpuEndsInOneLineBeforeJoining(@TempDir Path dir) throws Exception {
        assumeFalse(CudaAvailability.probe().available(),
                "this machine has a GPU");
        Path conf = MicroRun.prepare(dir, 40, STEPS, 0);
        int a = freePort();
        Run run = baton("train", "--config", conf.toString(), "--sample-tokens", "0",
                "--set", "baton.cluster.nodes=2", "--set", "baton.devices.count=1", "--set", "baton.devices.kind=cuda",
                "--set", "baton.cluster.host=127.0.0.1", "--set", "baton.cluster.port=" + a,
                "--set", "baton.cluster.seed-nodes=[\"pekko://baton@127.0.0.1:" + a + "\"]", "--set", "baton.cluster.secret=s");
        assertEquals(3, run.code(), run.err());
        List<String> lines = run.err().lines().filter(l -> l.startsWith("baton train:")).toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("baton train: baton.devices.kind = cuda but no CUDA device is available"), run.err());
        assertTrue(lines.get(0).endsWith("use --set baton.devices.kind=cpu"), run.err());
        assertTrue(!run.err().contains("joining"), "no node joined\n" + run.err());
    }

    @Test
    void aMissingNodeEndsInOneLineAfterTheJoinTimeout(@TempDir Path dir) throws Exception {
        Path conf = MicroRun.prepare(dir, 40, STEPS, 0);
        int a = freePort();
        Run run = baton("train", "--config", conf.toString(), "--sample-tokens", "0",
                "--set", "baton.cluster.nodes=2", "--set", "baton.devices.count=1", "--set", "baton.cluster.host=127.0.0.1",
                "--set", "baton.cluster.port=" + a, "--set", "baton.cluster.seed-nodes=[\"pekko://baton@127.0.0.1:" + a + "\"]",
                "--set", "baton.cluster.secret=s", "--set", "baton.cluster.join-timeout-s=2");
        assertEquals(1, run.code(), run.err());
        List<String> lines = run.err().lines().filter(l -> l.startsWith("baton train: the cluster")).toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).contains("did not form within 2 s: 1 of 2 nodes up"), run.err());
        assertTrue(!run.err().contains("\tat "), "no stack trace\n" + run.err());
    }

    @Test
    void aNodeWithAnotherSecretIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path conf = MicroRun.prepare(dir, 40, STEPS, 0);
        int a = freePort();
        int b = freePort();
        CompletableFuture<Run> seed = CompletableFuture.supplyAsync(() -> clusterNode(conf, a, a, "right"));
        Run stranger = clusterNode(conf, b, a, "wrong");
        Run seeded = seed.get(60, TimeUnit.SECONDS);
        assertEquals(1, stranger.code(), stranger.err());
        List<String> lines = stranger.err().lines().filter(l -> l.startsWith("baton train: this node was refused")).toList();
        assertEquals(1, lines.size(), stranger.err());
        assertTrue(lines.get(0).contains("baton.cluster.secret"), stranger.err());
        assertEquals(1, seeded.code(), "the seed never saw a second member\n" + seeded.err());
        assertTrue(seeded.err().contains("did not form within 4 s: 1 of 2 nodes up"), seeded.err());
    }

    /** A node in this JVM (its own actor system on {@code port}) that gives up after 4 s without a partner. */
    private static Run clusterNode(Path conf, int port, int seedPort, String secret) {
        return baton("train", "--config", conf.toString(), "--sample-tokens", "0",
                "--set", "baton.cluster.nodes=2", "--set", "baton.devices.count=1", "--set", "baton.cluster.host=127.0.0.1",
                "--set", "baton.cluster.port=" + port,
                "--set", "baton.cluster.seed-nodes=[\"pekko://baton@127.0.0.1:" + seedPort + "\"]",
                "--set", "baton.cluster.secret=" + secret, "--set", "baton.cluster.join-timeout-s=4");
    }

    private static Process node(Path conf, int port, List<String> sets, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "--add-modules=jdk.incubator.vector", "-Xss4m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:CICompilerCount=1", Baton.class.getName(), "train", "--config", conf.toString(), "--sample-tokens", "0",
                "--set", "baton.cluster.port=" + port));
        for (String s : sets) {
            cmd.add("--set");
            cmd.add(s);
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<Double> trainLosses(Path log) throws IOException {
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = TRAIN_LOSS.matcher(line);
            if (m.find()) {
                losses.add(Double.parseDouble(m.group(1)));
            }
        }
        return losses;
    }

    private static String logs(Path dir) throws IOException {
        StringBuilder s = new StringBuilder();
        for (String name : List.of("a.log", "b.log")) {
            Path p = dir.resolve(name);
            s.append("--- ").append(name).append('\n').append(Files.exists(p) ? Files.readString(p) : "(none)").append('\n');
        }
        return s.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
