package dev.baton.actors.cuda;

import dev.baton.actors.stream.Event;
import dev.baton.actors.stream.StreamFailure;
import dev.baton.kernels.driver.CudaDevice;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The actors' event on a {@link CudaStream}: a CUDA event recorded on the GPU stream once the
 * stream's host thread has launched every command before it, and a host-side completion that the
 * stream's completion thread fires when the GPU has passed the marker. Another CUDA stream of the
 * same device waits for it on the GPU ({@code cuStreamWaitEvent}: the host never blocks); any
 * other waiter (a CPU stream, an actor through {@link #completion()}) waits for the host side.
 *
 * <p>Three moments: created (by {@link CudaStream#record()} on the enqueuing thread), recorded
 * (the marker is on the GPU stream), fired (the GPU passed it; the marker is released).
 */
public final class CudaEvent implements Event {
    private final String source;
    private final long afterCommand;
    private final CudaDevice device;
    private final CompletableFuture<Void> recorded = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** The GPU marker between recording and firing; null before and after. Guarded by this. */
    private dev.baton.kernels.driver.CudaEvent marker;

    CudaEvent(String source, long afterCommand, CudaDevice device) {
        this.source = source;
        this.afterCommand = afterCommand;
        this.device = device;
    }

    CudaDevice device() {
        return device;
    }

    /** On the owning stream's host thread: puts the marker at the current end of {@code stream}. */
    void recordOn(dev.baton.kernels.driver.CudaStream stream) {
        synchronized (this) {
            marker = dev.baton.kernels.driver.CudaEvent.create();
            marker.record(stream);
        }
        recorded.complete(null);
    }

    /** True once the GPU passed the marker (the caller's thread needs the device's context). */
    synchronized boolean reached() {
        return marker == null || marker.isComplete();
    }

    /** The GPU passed the marker: release it and complete the host side. */
    void fire() {
        release();
        recorded.complete(null);
        done.complete(null);
    }

    void fail(Throwable cause) {
        release();
        recorded.completeExceptionally(cause);
        done.completeExceptionally(cause);
    }

    private synchronized void release() {
        if (marker != null) {
            marker.close();
            marker = null;
        }
    }

    /**
     * On a waiting stream's host thread: once the marker is on the GPU (or the event fired),
     * makes every later launch on {@code stream} wait for it on the device; returns at once.
     *
     * @throws StreamFailure when the event failed or was not recorded within {@code timeout}
     */
    void enqueueWait(dev.baton.kernels.driver.CudaStream stream, Duration timeout) {
        awaitFuture(recorded, timeout, "was not recorded");
        synchronized (this) {
            if (marker != null) {
                stream.waitFor(marker);
            }
        }
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public long afterCommand() {
        return afterCommand;
    }

    @Override
    public boolean isDone() {
        return done.isDone();
    }

    @Override
    public CompletionStage<Void> completion() {
        return done.minimalCompletionStage();
    }

    @Override
    public void await(Duration timeout) {
        awaitFuture(done, timeout, "did not fire");
    }

    private void awaitFuture(CompletableFuture<Void> f, Duration timeout, String what) {
        try {
            f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new StreamFailure("event of " + source + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new StreamFailure("event of " + source + " after command #" + afterCommand + " " + what + " within "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamFailure("wait for event of " + source + " was interrupted");
        }
    }

    @Override
    public String toString() {
        return source + "#" + afterCommand;
    }
}
