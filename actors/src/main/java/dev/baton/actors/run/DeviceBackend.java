package dev.baton.actors.run;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.collective.InProcessCollectives;
import dev.baton.actors.stream.CpuStream;
import dev.baton.actors.stream.Delays;
import dev.baton.actors.worker.DeviceWorker;
import dev.baton.actors.worker.StreamFactory;
import dev.baton.actors.worker.WorkerCommand;
import dev.baton.actors.worker.WorkerSetup;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The device kind a run uses: how devices are named, how their streams are made and how they
 * communicate. {@link #cpu()} gives W virtual CPU devices in this JVM; a CUDA backend provides
 * CUDA streams and NCCL.
 */
public interface DeviceBackend {
    String deviceName(int rank);

    StreamFactory streams(RunSettings settings);

    Collectives collectives(RunSettings settings);

    /**
     * Starts the worker of {@code setup.rank()} as a child of the coordinator's {@code ctx}: here, a
     * {@link DeviceWorker} on a thread of its own. A cluster backend starts the ranks of other nodes
     * on their node (through a local proxy) instead.
     */
    default ActorRef<WorkerCommand> startWorker(ActorContext<?> ctx, WorkerSetup setup) {
        return ctx.spawn(DeviceWorker.create(setup), "worker-" + setup.rank(),
                DispatcherSelector.fromConfig("baton-worker-dispatcher"));
    }

    /** Virtual CPU devices "cpu:0".."cpu:W-1" with CPU streams and in-process collectives. */
    static DeviceBackend cpu() {
        return new DeviceBackend() {
            @Override
            public String deviceName(int rank) {
                return "cpu:" + rank;
            }

            @Override
            public StreamFactory streams(RunSettings s) {
                Delays delays = s.delays();
                return (device, rank, name, observer) -> new CpuStream(device, rank, name, s.waitTimeout(), observer, delays);
            }

            @Override
            public Collectives collectives(RunSettings s) {
                return new InProcessCollectives(s.world(), s.link(), s.waitTimeout(), s.delays());
            }
        };
    }
}
