package dev.baton.kernels.bench;

import dev.baton.kernels.driver.CudaDevice;
import dev.baton.kernels.driver.CudaEvent;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceBuffer;
import dev.baton.kernels.tensor.Bf16;
import dev.baton.runtime.tensor.DType;
import jcuda.Pointer;

/**
 * One GPU's part of a sweep, owned here: the device's context, a stream, a send and a receive
 * buffer of the largest size, and the two timing events that bracket the timed launches. The
 * communicator belongs to the sweep (NCCL makes all ranks' communicators in one call).
 */
final class SweepRank implements AutoCloseable {
    private final int rank;
    private final CudaDevice device;
    private final CudaStream stream;
    private final DeviceBuffer send;
    private final DeviceBuffer recv;
    private final CudaEvent start;
    private final CudaEvent end;

    private SweepRank(int rank, CudaDevice device, CudaStream stream, DeviceBuffer send, DeviceBuffer recv,
                      CudaEvent start, CudaEvent end) {
        this.rank = rank;
        this.device = device;
        this.stream = stream;
        this.send = send;
        this.recv = recv;
        this.start = start;
        this.end = end;
    }

    /** Opens device {@code ordinal} and allocates two buffers of {@code bufferBytes} there. */
    static SweepRank open(int rank, int ordinal, long bufferBytes) {
        CudaDevice device = CudaDevice.open(ordinal);
        CudaStream stream = null;
        DeviceBuffer send = null;
        DeviceBuffer recv = null;
        CudaEvent start = null;
        try {
            long free = device.memoryInfo()[0];
            if (free < 2 * bufferBytes + (256L << 20)) {
                throw new IllegalStateException("cuda:" + ordinal + " has " + (free >> 20) + " MiB free; the sweep needs "
                        + (2 * bufferBytes >> 20) + " MiB there (two buffers of --max-bytes): lower --max-bytes");
            }
            stream = CudaStream.create();
            send = DeviceBuffer.allocate(bufferBytes);
            recv = DeviceBuffer.allocate(bufferBytes);
            start = CudaEvent.createTiming();
            return new SweepRank(rank, device, stream, send, recv, start, CudaEvent.createTiming());
        } catch (RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {start, recv, send, stream, device}) {
                closeQuietly(c, e);
            }
            throw e;
        }
    }

    int rank() {
        return rank;
    }

    CudaDevice device() {
        return device;
    }

    long streamAddress() {
        return stream.address();
    }

    long sendAddress() {
        return send.address();
    }

    long recvAddress() {
        return recv.address();
    }

    /** Fills the first {@code elements} of the send buffer with this rank's pattern: one upload, then doubling copies. */
    void fillSend(long elements, DType type) {
        device.makeCurrent();
        float[] block = SweepPattern.block(rank);
        long first = Math.min(elements, SweepPattern.PERIOD);
        int size = type.bytes();
        Pointer host = type == DType.BF16 ? Pointer.to(Bf16.fromFloats(block)) : Pointer.to(block);
        send.copyFromHost(0, host, first * size, stream);
        // the block's length is the pattern's period, so each copy continues the pattern
        for (long filled = first; filled < elements; filled *= 2) {
            long n = Math.min(filled, elements - filled);
            send.copyFrom(send, 0, filled * size, n * size, stream);
        }
        stream.synchronize();
    }

    /** Zeroes the first {@code bytes} of the receive buffer (a value no checked result has). */
    void poisonRecv(long bytes) {
        device.makeCurrent();
        recv.zero(0, bytes, stream);
    }

    void recordStart() {
        device.makeCurrent();
        start.record(stream);
    }

    void recordEnd() {
        device.makeCurrent();
        end.record(stream);
    }

    CudaEvent end() {
        return end;
    }

    /** Milliseconds between the start and end events (both fired). */
    double elapsedMillis() {
        device.makeCurrent();
        return CudaEvent.elapsedMillis(start, end);
    }

    /** {@code count} elements of the receive buffer from element {@code from}, as floats. */
    float[] download(long from, int count, DType type) {
        device.makeCurrent();
        if (type == DType.BF16) {
            short[] raw = new short[count];
            recv.copyToHost(Pointer.to(raw), from * 2, count * 2L, stream);
            return Bf16.toFloats(raw);
        }
        float[] out = new float[count];
        recv.copyToHost(Pointer.to(out), from * 4, count * 4L, stream);
        return out;
    }

    @Override
    public void close() {
        device.makeCurrent();
        RuntimeException first = null;
        for (AutoCloseable c : new AutoCloseable[] {end, start, recv, send, stream, device}) {
            first = closeQuietly(c, first);
        }
        if (first != null) {
            throw first;
        }
    }

    private static RuntimeException closeQuietly(AutoCloseable c, RuntimeException first) {
        if (c == null) {
            return first;
        }
        try {
            c.close();
        } catch (Exception e) {
            RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
            if (first == null) {
                return r;
            }
            first.addSuppressed(r);
        }
        return first;
    }
}
