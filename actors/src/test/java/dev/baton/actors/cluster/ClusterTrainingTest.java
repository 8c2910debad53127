package dev.baton.actors.cluster;

import dev.baton.actors.run.RunSettings;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real JVMs on loopback, 2 virtual CPU devices each, training the actors' stand-in workload: the
 * losses equal those of one JVM with the same total W bit for bit (the TCP collectives sum in
 * rank order like the in-process ones).
 */
@Timeout(300)
class ClusterTrainingTest {
    static final String SECRET = "baton.cluster.secret=test-secret";
    static final long STEPS = 12;

    /** The assignments every node of one cluster shares (all but its own port). */
    static List<String> common(int nodes, int seedPort, Path checkpoints, String... more) {
        List<String> s = new ArrayList<>(List.of("baton.cluster.nodes=" + nodes,
                "baton.cluster.seed-nodes=[\"pekko://baton@127.0.0.1:" + seedPort + "\"]", "baton.cluster.host=127.0.0.1",
                "baton.devices.count=2", "baton.optim.schedule.scheduled-steps=" + STEPS,
                "baton.optim.schedule.extension-steps=0", "baton.trace.enabled=false", "baton.cluster.join-timeout-s=180",
                "baton.cluster.unreachable-after-ms=3000", "baton.cluster.down-after-s=3",
                "baton.run.checkpoint-dir=" + checkpoints.toString().replace('\\', '/'), SECRET));
        s.addAll(List.of(more));
        return s;
    }

    static Map<Long, Double> losses(List<String> lines) {
        Map<Long, Double> m = new LinkedHashMap<>();
        for (String l : lines) {
            if (l.startsWith("STEP ")) {
                String[] p = l.split(" ");
                m.put(Long.parseLong(p[1]), Double.parseDouble(p[2]));
            }
        }
        return m;
    }

    @Test
    void twoJvmsOfTwoDevicesTrainLikeOneJvmOfFour(@TempDir Path dir) throws Exception {
        int a = NodeProcess.freePort();
        int b = NodeProcess.freePort();
        List<String> sets = common(2, a, dir.resolve("ck"));
        try (NodeProcess seed = NodeProcess.start(a, sets, List.of());
             NodeProcess other = NodeProcess.start(b, sets, List.of())) {
            Map<Long, Double> reference = StandInRun.run(RunSettings.defaults(4, STEPS), StandInConfig.small()).losses();
            // the leader is the node with the lowest address, whichever is the seed
            NodeProcess leader = a < b ? seed : other;
            NodeProcess follower = a < b ? other : seed;
            String r = leader.result(180_000);
            assertTrue(r.startsWith("RESULT COMPLETED " + STEPS), r + "\n" + leader.dump() + follower.dump());
            assertTrue(follower.result(60_000).startsWith("RESULT COMPLETED " + STEPS), follower.dump());
            assertEquals(reference, losses(leader.out()), "the same losses bit for bit\n" + leader.dump());
            assertTrue(follower.out().stream().anyMatch(l -> l.contains("this node drives ranks [2, 3]; the leader is 127.0.0.1:"
                    + Math.min(a, b))), follower.dump());
            assertEquals(0, leader.exitCode(60_000));
            assertEquals(0, follower.exitCode(60_000));
        }
    }
}
