package dev.baton.actors.cuda;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.worker.StreamFactory;

/**
 * This process's GPUs as a block of a larger NCCL group (a cluster node's devices): one member
 * makes the group's unique id, every process joins with it at its own ranks. {@link CudaBackend}
 * is one; the cluster's tests use a stand-in that needs no GPU.
 */
public interface NcclJoinable {
    /** How many local devices join (the node's {@code baton.devices.count}). */
    int devices();

    /** A fresh 128-byte NCCL unique id; only the group's leader makes one. */
    byte[] createId();

    /**
     * Joins group {@code id} of {@code world} ranks as ranks {@code firstRank .. firstRank +
     * devices() − 1}, one communicator per local device; blocks until every rank has joined.
     */
    Collectives join(byte[] id, int world, int firstRank);

    /** The compute and comm streams of the local devices, for global ranks. */
    StreamFactory streams(RunSettings settings);
}
