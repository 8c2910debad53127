package dev.baton.actors.serialization;

/**
 * Marks the messages that travel between the JVMs of a cluster run; the Pekko configuration binds
 * this type (with {@code WorkerCommand} and {@code WorkerReply}) to the {@link KryoSerializer}.
 */
public interface ClusterMessage {
}
