package dev.baton.actors.collective;

import dev.baton.actors.plan.Partition;
import dev.baton.actors.stream.CommandKind;
import dev.baton.runtime.tensor.Tensor;

/**
 * One collective over the same-shaped buffer of every rank, always in place (the NCCL in-place
 * forms): a reduce-scatter leaves each rank's reduced range in its own buffer, an all-gather
 * fills every rank's buffer from each owner's range.
 */
public sealed interface CollectiveOp permits CollectiveOp.ReduceScatter, CollectiveOp.AllGather,
        CollectiveOp.AllReduce, CollectiveOp.Broadcast {
    /** The parameter (or state) this collective moves, for traces and error messages. */
    String label();

    Tensor buffer();

    CommandKind kind();

    /** Bytes of the whole buffer at the element size of its type (bf16 counts 2 even on the CPU). */
    default long bufferBytes() {
        return buffer().numel() * buffer().dtype().bytes();
    }

    /**
     * Bytes each rank sends by the ring algorithm: (W-1)/W of the buffer for reduce-scatter and
     * all-gather, 2(W-1)/W for all-reduce, the buffer for broadcast; nothing when W = 1.
     */
    default long wireBytes(int world) {
        if (world <= 1) {
            return 0;
        }
        long size = bufferBytes();
        return switch (kind()) {
            case REDUCE_SCATTER, ALL_GATHER -> size * (world - 1) / world;
            case ALL_REDUCE -> 2 * size * (world - 1) / world;
            default -> size;
        };
    }

    /** Short form for messages, e.g. "reduce_scatter attn (1310720 elements)". */
    default String describe() {
        return kind().wireName() + " " + label() + " (" + buffer().numel() + " elements)";
    }

    /** Each rank ends with the reduction of its partition range; the rest of its buffer is unspecified. */
    record ReduceScatter(String label, Tensor buffer, Partition partition, ReduceOp op) implements CollectiveOp {
        public ReduceScatter {
            requireCovers(label, buffer, partition);
        }

        @Override
        public CommandKind kind() {
            return CommandKind.REDUCE_SCATTER;
        }
    }

    /** Each rank's buffer becomes the concatenation of every rank's own partition range. */
    record AllGather(String label, Tensor buffer, Partition partition) implements CollectiveOp {
        public AllGather {
            requireCovers(label, buffer, partition);
        }

        @Override
        public CommandKind kind() {
            return CommandKind.ALL_GATHER;
        }
    }

    /** Every rank's buffer becomes the reduction of all buffers. */
    record AllReduce(String label, Tensor buffer, ReduceOp op) implements CollectiveOp {
        @Override
        public CommandKind kind() {
            return CommandKind.ALL_REDUCE;
        }
    }

    /** Every rank's buffer becomes the root's. */
    record Broadcast(String label, Tensor buffer, int root) implements CollectiveOp {
        @Override
        public CommandKind kind() {
            return CommandKind.BROADCAST;
        }
    }

    private static void requireCovers(String label, Tensor buffer, Partition partition) {
        if (partition.elements() != buffer.numel()) {
            throw new IllegalArgumentException("collective on '" + label + "': partition covers "
                    + partition.elements() + " elements but the buffer " + buffer.shape() + " has " + buffer.numel());
        }
    }
}
