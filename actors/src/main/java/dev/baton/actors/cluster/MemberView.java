package dev.baton.actors.cluster;

import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster state as Baton reads it: nodes named "host:port", which of them are up, and whether
 * a node of the run is lost (unreachable, or no longer an up member).
 */
final class MemberView {
    private MemberView() {
    }

    /** "host:port" of a node address. */
    static String node(Address a) {
        return a.getHost().orElse("?") + ":" + a.getPort().map(String::valueOf).orElse("?");
    }

    /** "host:port" of a seed address "pekko://baton@host:port". */
    static String nodeOfSeed(String seed) {
        return seed.substring(seed.indexOf('@') + 1);
    }

    /** The up members' nodes, in the state's order. */
    static List<String> up(ClusterEvent.CurrentClusterState state) {
        List<String> out = new ArrayList<>();
        for (Member m : state.getMembers()) {
            if (m.status().equals(MemberStatus.up())) {
                out.add(node(m.address()));
            }
        }
        return out;
    }

    /** Why {@code node} is lost, or null while it is an up, reachable member. */
    static String lost(ClusterEvent.CurrentClusterState state, String node) {
        for (Member m : state.getUnreachable()) {
            if (node(m.address()).equals(node)) {
                return "became unreachable (no heartbeat within the failure detector's pause)";
            }
        }
        for (Member m : state.getMembers()) {
            if (node(m.address()).equals(node)) {
                MemberStatus s = m.status();
                return s.equals(MemberStatus.up()) || s.equals(MemberStatus.weaklyUp()) ? null
                        : "left the cluster (status " + s.toString().toLowerCase(java.util.Locale.ROOT) + ")";
            }
        }
        return "left the cluster (removed)";
    }
}
