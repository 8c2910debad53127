package dev.baton.actors.cluster;

import dev.baton.actors.serialization.ClusterMessage;
import dev.baton.actors.worker.WorkerCommand;
import org.apache.pekko.actor.typed.ActorRef;

/** What a node answers the leader's {@link RemoteWorker} proxy that asked it to host a rank. */
public sealed interface HostingReply extends ClusterMessage {
    int rank();

    /** The rank's worker runs on the node; commands go to {@code worker}. */
    record WorkerHosted(int rank, ActorRef<WorkerCommand> worker) implements HostingReply {
    }

    /** The node could not start the rank's worker. */
    record HostingFailed(int rank, String message) implements HostingReply {
    }
}
