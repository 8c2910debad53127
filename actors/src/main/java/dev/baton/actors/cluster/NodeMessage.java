package dev.baton.actors.cluster;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.StopMode;
import dev.baton.actors.serialization.ClusterMessage;
import dev.baton.actors.worker.WorkerReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.util.List;

/**
 * The protocol of the node agent every JVM of a cluster run runs (the guardian of its actor
 * system). The records in the first group travel between nodes (Kryo, registered); the second
 * group are the agent's own signals and never leave the JVM.
 */
public sealed interface NodeMessage extends ClusterMessage {
    // ---- between nodes ----

    /** A follower is up and tells the leader where its collective server listens. */
    record NodeReady(String node, String collectiveHost, int collectivePort, ActorRef<NodeMessage> agent)
            implements NodeMessage {
    }

    /** The leader's plan for the run, the same for every node. */
    record RunPlan(long runId, List<NodeEndpoint> nodes, int devicesPerNode, byte[] ncclUniqueId) implements NodeMessage {
        public RunPlan {
            nodes = List.copyOf(nodes);
            ncclUniqueId = ncclUniqueId.clone();
        }

        @Override
        public byte[] ncclUniqueId() {
            return ncclUniqueId.clone();
        }
    }

    /** One node of the plan: its cluster address and its collective server. */
    record NodeEndpoint(String node, String collectiveHost, int collectivePort) {
    }

    /** A follower connected its side of the collective mesh. */
    record MeshReady(String node) implements NodeMessage {
    }

    /** A follower could not take part (mesh, hosting); {@code message} says why. */
    record NodeFailed(String node, String message) implements NodeMessage {
    }

    /** The leader asks the node of {@code rank} to start that rank's worker, answering to the proxy. */
    record HostWorker(int rank, ActorRef<WorkerReply> replyTo, ActorRef<HostingReply> hostedTo) implements NodeMessage {
    }

    /** A user on any node asked to stop (Ctrl-C); followers pass it to the leader. */
    record StopRun(StopMode mode) implements NodeMessage {
    }

    /** The run is over; every follower ends with this result and acknowledges. */
    record RunEnded(RunResult.Status status, long nextStep, String message, String lastCheckpoint,
                    ActorRef<NodeMessage> ackTo) implements NodeMessage {
    }

    record RunEndedAck(String node) implements NodeMessage {
    }

    // ---- local signals ----

    /** Membership or reachability changed; the agent re-reads the cluster state. */
    record ClusterChanged(Object event) implements NodeMessage {
    }

    /** The receptionist's list of node agents changed. */
    record AgentsListed(Receptionist.Listing listing) implements NodeMessage {
    }

    /** The current phase's deadline passed. */
    record PhaseTimedOut(String phase) implements NodeMessage {
    }

    /** This node's side of the mesh is connected ({@code collectives}) or failed ({@code failure}). */
    record MeshConnected(Collectives collectives, Throwable failure) implements NodeMessage {
    }

    /** The leader's run coordinator ended. */
    record RunFinished(RunResult result) implements NodeMessage {
    }

    /** The run's outcome reached every follower (or the wait for their acknowledgements ended). */
    record AcksDone() implements NodeMessage {
    }
}
