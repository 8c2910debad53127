package dev.baton.actors.run;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.collective.InProcessCollectives;
import dev.baton.actors.stream.CpuStream;
import dev.baton.actors.stream.Delays;
import dev.baton.actors.worker.StreamFactory;

/**
 * The device kind a run uses: how devices are named, how their streams are made and how they
 * communicate. {@link #cpu()} gives W virtual CPU devices in this JVM; a CUDA backend provides
 * CUDA streams and NCCL.
 */
public interface DeviceBackend {
    String deviceName(int rank);

    StreamFactory streams(RunSettings settings);

    Collectives collectives(RunSettings settings);

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
