package dev.baton.actors.cluster;

import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster membership as one actor has seen it in its subscription's events (the typed
 * subscription replays the current state as events first): nodes named "host:port", which are up,
 * and why a node is lost. Built from the events themselves, not from {@code Cluster.state()},
 * which is updated asynchronously and may not yet show the event just received. Owned by one actor.
 */
final class MemberView {
    private final Set<String> up = new LinkedHashSet<>();
    private final Map<String, String> lost = new LinkedHashMap<>();

    /** "host:port" of a node address. */
    static String node(Address a) {
        return a.getHost().orElse("?") + ":" + a.getPort().map(String::valueOf).orElse("?");
    }

    /** "host:port" of a seed address "pekko://baton@host:port". */
    static String nodeOfSeed(String seed) {
        return seed.substring(seed.indexOf('@') + 1);
    }

    /** Takes in a member or reachability event; other messages are ignored. */
    void apply(Object event) {
        if (event instanceof ClusterEvent.MemberUp e) {
            up.add(node(e.member().address()));
        } else if (event instanceof ClusterEvent.UnreachableMember e) {
            lost.putIfAbsent(node(e.member().address()), "became unreachable (no heartbeat within the failure detector's pause)");
        } else if (event instanceof ClusterEvent.ReachableMember e) {
            String n = node(e.member().address());
            if (up.contains(n)) {
                lost.remove(n);
            }
        } else if (event instanceof ClusterEvent.MemberLeft e) {
            gone(node(e.member().address()), "left the cluster");
        } else if (event instanceof ClusterEvent.MemberExited e) {
            gone(node(e.member().address()), "left the cluster");
        } else if (event instanceof ClusterEvent.MemberDowned e) {
            gone(node(e.member().address()), "was downed");
        } else if (event instanceof ClusterEvent.MemberRemoved e) {
            gone(node(e.member().address()), "was removed from the cluster");
        }
    }

    private void gone(String node, String why) {
        up.remove(node);
        lost.putIfAbsent(node, why);
    }

    /** The up members' nodes, in the order they came up. */
    List<String> up() {
        return new ArrayList<>(up);
    }

    /** Why {@code node} is lost, or null while it is up and reachable as far as the events told. */
    String lost(String node) {
        return lost.get(node);
    }
}
