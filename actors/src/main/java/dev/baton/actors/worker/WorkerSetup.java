package dev.baton.actors.worker;

import dev.baton.actors.checkpoint.WeightsLayout;
import dev.baton.actors.collective.Communicator;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.stream.StreamObserver;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.actors.work.WorkFactory;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Duration;

/**
 * Everything a {@link DeviceWorker} is built from.
 *
 * @param device       device name for messages and traces, e.g. "cpu:1"
 * @param tie          the tied embedding pair, or null when the model has none
 * @param weights      how checkpoints and {@code --init-from} files hold the weights
 * @param drainTimeout how long a graceful stop waits for the streams before aborting them
 * @param coordinator  where every reply goes
 */
public record WorkerSetup(int rank, String device, ShardPlan plan, WorkFactory factory, Communicator communicator,
                          StreamFactory streams, StreamObserver observer, EmbeddingTie tie, WeightsLayout weights, Duration drainTimeout,
                          ActorRef<WorkerReply> coordinator) {
}
