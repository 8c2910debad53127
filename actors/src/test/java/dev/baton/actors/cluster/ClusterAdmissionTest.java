package dev.baton.actors.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seed node waits for a second node; a node with the wrong secret and a node with another
 * configuration and build try to join and are refused (the seed logs why, the refused nodes end
 * saying so); the seed gives up after its join timeout naming who is missing. No output anywhere
 * shows either secret.
 */
@Timeout(300)
class ClusterAdmissionTest {
    @Test
    void strangersAndMisconfiguredNodesAreRefusedAndTheSeedSaysWhoIsMissing(@TempDir Path dir) throws Exception {
        int a = NodeProcess.freePort();
        int b = NodeProcess.freePort();
        int c = NodeProcess.freePort();
        Path ck = dir.resolve("ck");
        List<String> seedSets = new ArrayList<>(ClusterTrainingTest.common(2, a, ck, "baton.cluster.join-timeout-s=10"));
        List<String> stranger = new ArrayList<>(ClusterTrainingTest.common(2, a, ck, "baton.cluster.secret=guessed-wrong"));
        List<String> other = new ArrayList<>(ClusterTrainingTest.common(2, a, ck, "baton.optim.schedule.scheduled-steps=13"));
        // the strangers start first and keep trying to join; the seed's join timeout runs once it is up
        try (NodeProcess wrongSecret = NodeProcess.start(b, stranger, List.of());
             NodeProcess wrongConfig = NodeProcess.start(c, other, List.of("-Dtest.build=0123456789ab"))) {
            assertTrue(wrongSecret.await(l -> l.contains("joining the cluster"), 120_000).isPresent(), wrongSecret.dump());
            assertTrue(wrongConfig.await(l -> l.contains("joining the cluster"), 120_000).isPresent(), wrongConfig.dump());
            try (NodeProcess seed = NodeProcess.start(a, seedSets, List.of())) {
                check(a, b, c, seed, wrongSecret, wrongConfig);
            }
        }
    }

    private static void check(int a, int b, int c, NodeProcess seed, NodeProcess wrongSecret, NodeProcess wrongConfig)
        throws InterruptedException {
        String rb = wrongSecret.result(120_000);
        assertTrue(rb.startsWith("RESULT FAILED") && rb.contains("this node was refused by the cluster"), rb + wrongSecret.dump());
        String rc = wrongConfig.result(60_000);
        assertTrue(rc.startsWith("RESULT FAILED") && rc.contains("this node was refused by the cluster"), rc + wrongConfig.dump());
        assertEquals(1, wrongSecret.exitCode(30_000));

        String ra = seed.result(60_000);
        assertTrue(ra.startsWith("RESULT FAILED") && ra.contains("the cluster did not form within 10 s: 1 of 2 nodes up [127.0.0.1:"
                + a + "], 1 missing"), ra + seed.dump());
        String log = String.join("\n", seed.err());
        assertTrue(log.contains("refused node 127.0.0.1:" + b + ": it does not know the cluster secret"), seed.dump());
        assertTrue(log.contains("refused node 127.0.0.1:" + c + ": code version ") && log.contains("build 0123456789ab")
                && log.contains("configuration differs: baton.optim.schedule.scheduled-steps = 12 here, 13 on node 127.0.0.1:"
                + c), seed.dump());
        for (NodeProcess n : List.of(seed, wrongSecret, wrongConfig)) {
            String all = n.dump();
            assertFalse(all.contains("test-secret") || all.contains("guessed-wrong"), "a secret in the output of node " + n.port);
        }
    }
}
