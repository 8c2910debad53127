package dev.baton.actors.cluster;

import dev.baton.kernels.nccl.Nccl;
import dev.baton.kernels.nccl.NcclComm;
import dev.baton.kernels.nccl.NcclUniqueId;

/**
 * The NCCL side of a cluster run on GPUs: the leader (the node of rank 0) creates the unique id,
 * the {@link NodeMessage.RunPlan} carries it to every node, and each rank joins the communicator
 * with it on its worker's thread, after which NCCL carries the tensors and Pekko only the
 * commands. Owns the NCCL library handle: on the leader the id's bootstrap listener lives inside
 * it, so it stays open for the whole run. Not exercised by the CI (one GPU at most is lent).
 */
public final class NcclRendezvous implements AutoCloseable {
    private final Nccl nccl;

    private NcclRendezvous(Nccl nccl) {
        this.nccl = nccl;
    }

    /** Opens NCCL (libnccl.so.2 from the default places). */
    public static NcclRendezvous open() {
        return new NcclRendezvous(Nccl.open());
    }

    /** A fresh unique id for the run's communicator (leader only); its 128 bytes go into the run plan. */
    public byte[] createId() {
        return nccl.uniqueId().bytes();
    }

    /**
     * Joins the run's communicator as {@code rank} of {@code world} on the calling thread's current
     * CUDA device; blocks until every rank of every node has joined.
     */
    public NcclComm join(byte[] id, int world, int rank) {
        return nccl.initRank(world, new NcclUniqueId(id), rank);
    }

    @Override
    public void close() {
        nccl.close();
    }
}
