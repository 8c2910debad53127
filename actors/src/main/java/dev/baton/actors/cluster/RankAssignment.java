package dev.baton.actors.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which ranks each node drives: nodes sorted by address (host, then port), node i owning ranks
 * {@code i*d .. i*d+d-1} of {@code d} devices each; node 0 is the leader, which runs the run
 * coordinator and the scheduler. Every node computes it from the same member list, so all agree
 * without an election.
 *
 * @param nodes node addresses "host:port" in rank order
 */
public record RankAssignment(List<String> nodes, int devicesPerNode) {
    private static final Comparator<String> BY_ADDRESS = Comparator.comparing(RankAssignment::host)
            .thenComparingInt(RankAssignment::port);

    public RankAssignment {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty() || devicesPerNode < 1) {
            throw new IllegalArgumentException("a run needs at least one node and one device per node");
        }
    }

    /** Sorts {@code members} ("host:port") into rank order. */
    public static RankAssignment of(Collection<String> members, int devicesPerNode) {
        List<String> sorted = new ArrayList<>(members);
        sorted.sort(BY_ADDRESS);
        return new RankAssignment(sorted, devicesPerNode);
    }

    public int world() {
        return nodes.size() * devicesPerNode;
    }

    public String leader() {
        return nodes.get(0);
    }

    public int nodeIndex(String node) {
        int i = nodes.indexOf(node);
        if (i < 0) {
            throw new IllegalArgumentException("node " + node + " is not part of the run " + nodes);
        }
        return i;
    }

    /** The node that drives {@code rank}. */
    public String nodeOf(int rank) {
        return nodes.get(rank / devicesPerNode);
    }

    /** The ranks {@code node} drives, ascending. */
    public List<Integer> ranksOf(String node) {
        int first = nodeIndex(node) * devicesPerNode;
        List<Integer> out = new ArrayList<>(devicesPerNode);
        for (int r = first; r < first + devicesPerNode; r++) {
            out.add(r);
        }
        return out;
    }

    private static String host(String node) {
        return node.substring(0, node.lastIndexOf(':'));
    }

    private static int port(String node) {
        return Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
    }
}
