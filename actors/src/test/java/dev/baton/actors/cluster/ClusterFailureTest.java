package dev.baton.actors.cluster;

import dev.baton.actors.run.RunSettings;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three JVMs of two devices train; one is killed (SIGKILL) mid-run. The others stop within the
 * failure detector's pause with a message naming the killed node, the last checkpoint is intact,
 * and two JVMs resume it (another world size) to the end, with the numbers of a one-JVM resume
 * of the same checkpoint. Before the kill, the three JVMs had the losses of one JVM with W = 6.
 */
@Timeout(400)
class ClusterFailureTest {
    private static final long STEPS = 16;

    @Test
    void aKilledNodeStopsTheRunEverywhereAndTheCheckpointResumesOnTwoNodes(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("ck");
        int[] ports = {NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort()};
        List<String> sets = new ArrayList<>(ClusterTrainingTest.common(3, ports[0], ck,
                "baton.optim.schedule.scheduled-steps=" + STEPS, "baton.run.checkpoint-every=4"));
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            for (int p : ports) {
                nodes.add(NodeProcess.start(p, sets, List.of("-Dtest.fb-ms=40")));
            }
            nodes.sort(Comparator.comparingInt(n -> n.port));
            NodeProcess leader = nodes.get(0);
            NodeProcess victim = nodes.get(2);
            assertTrue(leader.await(l -> l.startsWith("STEP 5 "), 180_000).isPresent(), leader.dump() + nodes.get(1).dump()
                    + victim.dump());
            victim.kill();
            long killed = System.nanoTime();
            String f0 = leader.await(l -> l.startsWith("FINISHED "), 20_000).orElse("");
            String f1 = nodes.get(1).await(l -> l.startsWith("FINISHED "), 20_000).orElse("");
            long stoppedMs = (System.nanoTime() - killed) / 1_000_000;
            String r0 = leader.result(60_000);
            String r1 = nodes.get(1).result(60_000);
            assertEquals(f0.substring("FINISHED ".length()), r0.substring("RESULT ".length()));
            assertEquals(f1.substring("FINISHED ".length()), r1.substring("RESULT ".length()));
            String victimNode = "127.0.0.1:" + victim.port;
            assertTrue(r0.startsWith("RESULT FAILED") && r0.contains(victimNode), r0 + "\n" + leader.dump());
            assertTrue(r1.startsWith("RESULT FAILED") && r1.contains(victimNode), r1);
            // a killed process closes its sockets, which fails the collectives at once (the failure detector needs 3 s)
            assertTrue(stoppedMs < 8_000, "the others stopped " + stoppedMs + " ms after the kill\n" + leader.dump()
                    + nodes.get(1).dump());
            assertEquals(1, leader.exitCode(20_000));

            Map<Long, Double> six = StandInRun.run(RunSettings.defaults(6, STEPS), StandInConfig.small()).losses();
            Map<Long, Double> before = ClusterTrainingTest.losses(leader.out());
            assertTrue(before.size() >= 6, before.toString());
            before.forEach((step, loss) -> assertEquals(six.get(step), loss, "step " + step + " as one JVM with W = 6"));

            assertTrue(Files.exists(ck.resolve("latest")), "a checkpoint was written\n" + leader.dump());
            Path latest = ck.resolve(Files.readString(ck.resolve("latest")).trim());
            assertTrue(Files.exists(latest.resolve("index.json")), "the last checkpoint is complete: " + latest);
            long next = Long.parseLong(latest.getFileName().toString().substring("step-".length()));
            assertTrue(next >= 4 && next < STEPS, latest.toString());
            Path copy = dir.resolve("copy");
            copyTree(latest, copy);

            // resume on two nodes (W = 4); equal to a one-JVM resume of the same checkpoint at W = 4
            int[] again = {NodeProcess.freePort(), NodeProcess.freePort()};
            List<String> resume = new ArrayList<>(ClusterTrainingTest.common(2, again[0], ck,
                    "baton.optim.schedule.scheduled-steps=" + STEPS, "baton.run.checkpoint-every=4",
                    "baton.run.resume=true"));
            List<NodeProcess> two = new ArrayList<>();
            for (int p : again) {
                two.add(NodeProcess.start(p, resume, List.of()));
            }
            nodes.addAll(two);
            two.sort(Comparator.comparingInt(n -> n.port));
            String done = two.get(0).result(180_000);
            assertTrue(done.startsWith("RESULT COMPLETED " + STEPS), done + "\n" + two.get(0).dump() + two.get(1).dump());
            Map<Long, Double> resumed = ClusterTrainingTest.losses(two.get(0).out());
            assertEquals(next, resumed.keySet().iterator().next(), "the resumed run starts at the checkpoint's step");
            Map<Long, Double> oneJvm = StandInRun.run(RunSettings.defaults(4, STEPS).withResumeFrom(copy),
                    StandInConfig.small()).losses();
            assertEquals(oneJvm, resumed, "two JVMs resume like one JVM at W = 4");
        } finally {
            nodes.forEach(NodeProcess::close);
        }
    }

    @Test
    void aFrozenNodeBecomesUnreachableAndTheRunStopsWithinTheFailureDetectorsPause(@TempDir Path dir) throws Exception {
        int[] ports = {NodeProcess.freePort(), NodeProcess.freePort()};
        List<String> sets = ClusterTrainingTest.common(2, ports[0], dir.resolve("ck"), "baton.optim.schedule.scheduled-steps=60");
        List<NodeProcess> nodes = new ArrayList<>();
        try {
            for (int p : ports) {
                nodes.add(NodeProcess.start(p, sets, List.of("-Dtest.fb-ms=20")));
            }
            nodes.sort(Comparator.comparingInt(n -> n.port));
            NodeProcess leader = nodes.get(0);
            NodeProcess frozen = nodes.get(1);
            assertTrue(leader.await(l -> l.startsWith("STEP 3 "), 180_000).isPresent(), leader.dump() + frozen.dump());
            frozen.signal(false); // no FIN, no RST: only the missing heartbeats tell
            long stopped = System.nanoTime();
            String f = leader.await(l -> l.startsWith("FINISHED "), 30_000).orElse("");
            long ms = (System.nanoTime() - stopped) / 1_000_000;
            String node = "127.0.0.1:" + frozen.port;
            assertTrue(f.startsWith("FINISHED FAILED") && f.contains("its node " + node + " became unreachable"),
                    f + "\n" + leader.dump());
            assertTrue(ms < 15_000, "stopped " + ms + " ms after the freeze (pause 3 s)\n" + leader.dump());
            assertEquals(1, leader.exitCode(30_000));
            frozen.signal(true);
        } finally {
            nodes.forEach(NodeProcess::close);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
