package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.Valid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admission of a joining node: its ticket proves the shared secret, and its code version and
 * configuration (all but node-local keys) must equal the cluster's; the refusal says what differs.
 */
class AdmissionTest {
    private static ClusterSettings node(String... sets) {
        Config root = ConfigLoader.fromClasspath().load(ConfigRequest.profile("cluster").withSets(sets)).config();
        return ClusterSettings.fromConfig(root);
    }

    private static final String[] SEED = {"baton.cluster.secret=open-sesame", "baton.cluster.port=7401"};

    @Test
    void nodesThatDifferOnlyInNodeLocalKeysAreAdmitted() {
        ClusterSettings a = node(SEED);
        ClusterSettings b = node("baton.cluster.secret=open-sesame", "baton.cluster.port=7402", "baton.cluster.host=127.0.0.2",
                "baton.cluster.collective-port=7500", "baton.devices.cpu-threads=3", "baton.run.log-dir=elsewhere/logs",
                "baton.cluster.seed-nodes=[\"pekko://baton@127.0.0.2:7402\"]");
        assertEquals(List.of(), AdmissionTicket.problems(a.ticket(), Optional.of(b.ticket()), a.secret()));
        assertEquals(List.of(), AdmissionTicket.problems(b.ticket(), Optional.of(a.ticket()), b.secret()));
    }

    @Test
    void aWrongSecretIsRefusedAndHidesEverythingElse() {
        ClusterSettings a = node(SEED);
        ClusterSettings b = node("baton.cluster.secret=guess", "baton.cluster.port=7402", "baton.model.model-dim=128");
        assertEquals(List.of("it does not know the cluster secret (baton.cluster.secret differs)"),
                AdmissionTicket.problems(a.ticket(), Optional.of(b.ticket()), a.secret()));
        assertEquals(List.of("it presented no Baton admission ticket (not a Baton node, or a different Baton version)"),
                AdmissionTicket.problems(a.ticket(), Optional.empty(), a.secret()));
    }

    @Test
    void anotherBuildAndAnotherConfigurationAreNamedKeyByKey() {
        // the step count is set here, not taken from the profile, which tuning changes
        ClusterSettings a = node("baton.cluster.secret=open-sesame", "baton.cluster.port=7401",
                "baton.optim.schedule.scheduled-steps=120");
        ClusterSettings b = node("baton.cluster.secret=open-sesame", "baton.cluster.port=7402",
                "baton.optim.schedule.scheduled-steps=99", "baton.run.seed=7")
                .withCodeVersion(new CodeVersion("0.1.0-SNAPSHOT", "abcdefabcdef"));
        List<String> p = AdmissionTicket.problems(a.ticket(), Optional.of(b.ticket()), a.secret());
        assertEquals(2, p.size(), p.toString());
        assertEquals("code version " + a.codeVersion().describe() + " here, 0.1.0-SNAPSHOT (build abcdefabcdef) on node "
                + "127.0.0.1:7402 (run the same Baton build on every node)", p.get(0));
        assertEquals("configuration differs: baton.optim.schedule.scheduled-steps = 120 here, 99 on node 127.0.0.1:7402; "
                + "baton.run.seed = 1234 here, 7 on node 127.0.0.1:7402", p.get(1));
    }

    @Test
    void theTicketSurvivesPekkosJoinHandshakeAndTheCheckerUsesIt() {
        ClusterSettings a = node(SEED);
        ClusterSettings b = node("baton.cluster.secret=open-sesame", "baton.cluster.port=7402");
        // Pekko sends the joining node's required keys rendered as concise JSON and parses them back
        Config sent = ConfigFactory.parseString(b.ticket().toConfig().root().render(ConfigRenderOptions.concise()));
        AdmissionTicket back = AdmissionTicket.fromConfig(sent).orElseThrow();
        assertEquals(b.ticket(), back);
        assertTrue(back.provenWith(a.secret()));

        Config seedConfig = PekkoClusterConfig.of(a);
        assertSame(Valid.getInstance(), new AdmissionCheck().check(sent, seedConfig));
        ConfigValidation wrong = new AdmissionCheck().check(ConfigFactory.parseString(node("baton.cluster.secret=x",
                "baton.cluster.port=7403").ticket().toConfig().root().render(ConfigRenderOptions.concise())), seedConfig);
        Invalid invalid = assertInstanceOf(Invalid.class, wrong);
        assertEquals("it does not know the cluster secret (baton.cluster.secret differs)", invalid.errorMessages().head());
        assertEquals(List.of(AdmissionTicket.PATH), scala.jdk.javaapi.CollectionConverters.asJava(new AdmissionCheck().requiredKeys()));
    }

    @Test
    void theSecretAppearsNowhere() {
        ClusterSettings a = node(SEED);
        assertFalse(a.toString().contains("open-sesame"), a.toString());
        assertFalse(PekkoClusterConfig.of(a).root().render().contains("open-sesame"));
        assertFalse(a.ticket().toString().contains("open-sesame"));
        assertTrue(a.toString().contains("secret=set"), a.toString());
    }
}
