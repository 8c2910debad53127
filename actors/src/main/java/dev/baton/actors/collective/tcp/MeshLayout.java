package dev.baton.actors.collective.tcp;

import java.util.List;

/**
 * Where every rank of one run listens and which ranks this node drives: the input of
 * {@link TcpCollectives#connect}. Every node derives the same layout from the run plan.
 *
 * @param runId      a number fresh for each run, so that connections of different runs never mix
 * @param endpoints  per rank: the collective server of the rank's node
 * @param localRanks the ranks driven by this node, ascending
 */
public record MeshLayout(long runId, List<Endpoint> endpoints, List<Integer> localRanks) {
    /** A node's collective server and the node's name for messages (e.g. "127.0.0.1:7402"). */
    public record Endpoint(String host, int port, String node) {
    }

    public MeshLayout {
        endpoints = List.copyOf(endpoints);
        localRanks = List.copyOf(localRanks);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a mesh needs at least one rank");
        }
        for (int r : localRanks) {
            if (r < 0 || r >= endpoints.size()) {
                throw new IllegalArgumentException("local rank " + r + " outside a world of " + endpoints.size());
            }
        }
    }

    public int world() {
        return endpoints.size();
    }

    public boolean local(int rank) {
        return localRanks.contains(rank);
    }

    /** "rank 3 (node 127.0.0.1:7402)" */
    public String describe(int rank) {
        return "rank " + rank + " (node " + endpoints.get(rank).node() + ")";
    }
}
