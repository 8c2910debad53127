package dev.baton.kernels.nccl;

import dev.baton.kernels.driver.CudaEvent;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.shim.NativeCallException;
import dev.baton.kernels.tensor.CudaTensor;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * One rank's NCCL communicator, owned by this object: {@link #close()} destroys it, and
 * {@link #abort()} tears it down without waiting for peers (after a peer died).
 *
 * <p>Collectives are enqueued on the caller's stream and return at once; counts are elements.
 * Every rank must issue the same collectives in the same order. A dead peer does not fail a
 * call; it makes the collective hang, which {@link #await} turns into an error.
 */
public final class NcclComm implements AutoCloseable {
    private final Nccl nccl;
    private final long comm;
    private final int count;
    private final int device;
    private final int rank;
    private boolean open = true;

    private NcclComm(Nccl nccl, long comm, int count, int device, int rank) {
        this.nccl = nccl;
        this.comm = comm;
        this.count = count;
        this.device = device;
        this.rank = rank;
    }

    static NcclComm wrap(Nccl nccl, long comm) {
        int[] d = NcclNative.describe(nccl.api(), comm);
        return new NcclComm(nccl, comm, d[0], d[1], d[2]);
    }

    /** Number of ranks. */
    public int count() {
        return count;
    }

    /** The CUDA device ordinal of this rank. */
    public int device() {
        return device;
    }

    public int rank() {
        return rank;
    }

    /** recv[i] = op over ranks r of send[rank·recvCount + i]; send holds count()·recvCount elements. */
    public void reduceScatter(long send, long recv, long recvCount, NcclDataType type, NcclRedOp op, long stream) {
        NcclNative.reduceScatter(api(), comm, send, recv, recvCount, type.code(), op.code(), stream);
    }

    /** recv holds count()·sendCount elements: rank r's send at r·sendCount. */
    public void allGather(long send, long recv, long sendCount, NcclDataType type, long stream) {
        NcclNative.allGather(api(), comm, send, recv, sendCount, type.code(), stream);
    }

    public void allReduce(long send, long recv, long count, NcclDataType type, NcclRedOp op, long stream) {
        NcclNative.allReduce(api(), comm, send, recv, count, type.code(), op.code(), stream);
    }

    /** Copies root's send to every rank's recv. */
    public void broadcast(long send, long recv, long count, NcclDataType type, int root, long stream) {
        NcclNative.broadcast(api(), comm, send, recv, count, type.code(), root, stream);
    }

    /** Reduce-scatter of tensors: recv has send.numel() / count() elements. */
    public void reduceScatter(CudaTensor send, CudaTensor recv, NcclRedOp op, CudaStream stream) {
        requireSameType(send, recv);
        if (send.numel() != recv.numel() * count) {
            throw new IllegalArgumentException("reduce-scatter of " + send + " over " + count + " ranks into " + recv);
        }
        reduceScatter(send.address(), recv.address(), recv.numel(), NcclDataType.of(send.dtype()), op,
                stream.address());
    }

    /** All-gather of tensors: recv has count() × send.numel() elements. */
    public void allGather(CudaTensor send, CudaTensor recv, CudaStream stream) {
        requireSameType(send, recv);
        if (recv.numel() != send.numel() * count) {
            throw new IllegalArgumentException("all-gather of " + send + " over " + count + " ranks into " + recv);
        }
        allGather(send.address(), recv.address(), send.numel(), NcclDataType.of(send.dtype()), stream.address());
    }

    /** All-reduce of tensors, in place when send and recv are the same tensor. */
    public void allReduce(CudaTensor send, CudaTensor recv, NcclRedOp op, CudaStream stream) {
        requireSameType(send, recv);
        if (send.numel() != recv.numel()) {
            throw new IllegalArgumentException("all-reduce of " + send + " into " + recv);
        }
        allReduce(send.address(), recv.address(), send.numel(), NcclDataType.of(send.dtype()), op, stream.address());
    }

    public void broadcast(CudaTensor send, CudaTensor recv, int root, CudaStream stream) {
        requireSameType(send, recv);
        if (send.numel() != recv.numel()) {
            throw new IllegalArgumentException("broadcast of " + send + " into " + recv);
        }
        broadcast(send.address(), recv.address(), send.numel(), NcclDataType.of(send.dtype()), root,
                stream.address());
    }

    private static void requireSameType(CudaTensor a, CudaTensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("collective between " + a.dtype() + " and " + b.dtype() + " tensors");
        }
    }

    /** ncclCommGetAsyncError: 0 while healthy, 7 (in progress) during non-blocking setup, else an error. */
    public int asyncError() {
        return NcclNative.asyncError(api(), comm);
    }

    /**
     * Waits until {@code done} (recorded after this rank's collectives) fires, polling the
     * communicator's asynchronous error meanwhile. An error or a timeout (a peer that never
     * arrives) aborts the communicator and throws, so a hang becomes an error.
     */
    public void await(CudaEvent done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.isComplete()) {
            int state = asyncError();
            if (state != 0 && state != NcclNative.IN_PROGRESS) {
                String text = nccl.errorString(state);
                abort();
                throw new NativeCallException("NCCL", "ncclCommGetAsyncError", state, NcclNative.resultName(state),
                        text + "; rank " + rank + " of " + count + "; the communicator was aborted");
            }
            if (System.nanoTime() > deadline) {
                abort();
                throw new NativeCallException("NCCL", "await", -1, "TIMEOUT",
                        "rank " + rank + " of " + count + " waited " + timeout.toMillis()
                                + " ms for a collective; a peer is gone or stuck; the communicator was aborted");
            }
            LockSupport.parkNanos(20_000); // a poll every 20 µs: prompt, without burning a core
        }
    }

    /** Tears the communicator down without waiting for peers; it is unusable afterwards. */
    public void abort() {
        if (open) {
            open = false;
            NcclNative.abort(nccl.api(), comm);
        }
    }

    private long api() {
        if (!open) {
            throw new IllegalStateException("NCCL communicator (rank " + rank + ") is closed");
        }
        return nccl.api();
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            NcclNative.destroy(nccl.api(), comm);
        }
    }
}
