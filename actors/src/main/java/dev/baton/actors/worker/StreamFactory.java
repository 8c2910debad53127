package dev.baton.actors.worker;

import dev.baton.actors.stream.Stream;
import dev.baton.actors.stream.StreamObserver;

/** Makes a device's streams: CPU streams for CPU devices, CUDA streams for GPUs. */
@FunctionalInterface
public interface StreamFactory {
    Stream create(String device, int rank, String name, StreamObserver observer);
}
