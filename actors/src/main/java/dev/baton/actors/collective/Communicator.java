package dev.baton.actors.collective;

import dev.baton.actors.stream.Stream;

import java.util.List;

/**
 * One rank's handle on a group of devices, like an NCCL communicator: it enqueues collectives
 * onto a stream of that rank. Every rank must enqueue the same collectives in the same order;
 * the i-th launch of each rank is matched with the i-th launch of every other.
 */
public interface Communicator {
    int rank();

    int world();

    /**
     * Enqueues {@code ops} as one launch (fused, one latency, like an NCCL group) on {@code stream}
     * and returns its sequence number in this communicator.
     */
    long enqueue(Stream stream, long step, List<CollectiveOp> ops);
}
