package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import dev.baton.actors.collective.tcp.SharedSecret;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;

/**
 * Pekko's join check, extended with Baton's admission: a node may join only when its
 * {@link AdmissionTicket} is proven with this cluster's secret and its code version and
 * configuration fingerprint equal this node's. Pekko runs it on the seed for the joining node and
 * on the joining node for the seed's answer, so both prove the secret to each other. A refused
 * node is logged here with every reason; Pekko refuses the join and the refused node shuts down.
 * Instantiated by Pekko from {@code pekko.cluster.configuration-compatibility-check.checkers}.
 */
public final class AdmissionCheck extends JoinConfigCompatChecker {
    /** Where the node's own Pekko configuration keeps the key of the secret (never sent: not a required key). */
    public static final String KEY_PATH = "baton-node.secret-key";
    /** Whether the node's secret is empty. */
    public static final String EMPTY_PATH = "baton-node.secret-empty";

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionCheck.class);

    @Override
    public Seq<String> requiredKeys() {
        return CollectionConverters.asScala(List.of(AdmissionTicket.PATH)).toList();
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        AdmissionTicket mine = AdmissionTicket.fromConfig(actualConfig).orElseThrow(() ->
                new IllegalStateException("this node's Pekko configuration has no " + AdmissionTicket.PATH));
        SharedSecret secret = SharedSecret.fromKeyHex(actualConfig.getString(KEY_PATH), actualConfig.getBoolean(EMPTY_PATH));
        var theirs = AdmissionTicket.fromConfig(toCheck);
        List<String> problems = AdmissionTicket.problems(mine, theirs, secret);
        if (problems.isEmpty()) {
            return Valid.getInstance();
        }
        String who = theirs.map(AdmissionTicket::node).orElse("(unknown)");
        LOG.warn("refused node {}: {}", who, String.join("; ", problems));
        return new Invalid(CollectionConverters.asScala(problems).toList());
    }
}
