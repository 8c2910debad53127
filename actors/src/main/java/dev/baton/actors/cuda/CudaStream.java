package dev.baton.actors.cuda;

import dev.baton.actors.stream.CommandInfo;
import dev.baton.actors.stream.Event;
import dev.baton.actors.stream.ExecutedCommand;
import dev.baton.actors.stream.Stream;
import dev.baton.actors.stream.StreamCommand;
import dev.baton.actors.stream.StreamFailure;
import dev.baton.actors.stream.StickyFailure;
import dev.baton.actors.stream.StreamObserver;
import dev.baton.kernels.driver.CudaDevice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The actors' stream on a GPU: commands run in order on one host thread that has the device's
 * context current, and each command launches its work onto one CUDA stream and returns (a
 * command that reads results back, such as a loss, waits there, on this thread only). Events are
 * {@link CudaEvent}s: a wait on an event of a CUDA stream of the same device becomes a
 * {@code cuStreamWaitEvent}, so streams overlap on the GPU while the host runs ahead; a second
 * thread fires the host side of events in order once the GPU has passed them, giving a wait that
 * cannot fire within the wait timeout a clear failure instead of a hang.
 *
 * <p>Errors are sticky as in {@link dev.baton.actors.stream.CpuStream}: a failed command or a
 * CUDA error seen while waiting fails the stream, its pending events and later commands.
 * {@link #busyNanos()} counts host time spent in commands (launching, and read-backs).
 *
 * <p>The GPU stream and the device are the backend's ({@link CudaBackend}); this class owns its
 * two threads only.
 */
public final class CudaStream implements Stream {
    private static final long POLL_NANOS = 20_000;

    private final String device;
    private final int rank;
    private final String name;
    private final Duration waitTimeout;
    private final StreamObserver observer;
    private final CudaDevice cuda;
    private final dev.baton.kernels.driver.CudaStream gpu;
    private final ExecutorService host;
    private final ExecutorService completer;
    private final AtomicLong busy = new AtomicLong();
    private final Set<CudaEvent> pending = ConcurrentHashMap.newKeySet();
    private final StickyFailure failure = new StickyFailure();
    // enqueue-side state: touched only by the single enqueuing owner
    private long nextSeq;
    private List<String> pendingWaits = new ArrayList<>();

    CudaStream(String device, int rank, String name, Duration waitTimeout, StreamObserver observer, CudaDevice cuda,
               dev.baton.kernels.driver.CudaStream gpu) {
        this.device = device;
        this.rank = rank;
        this.name = name;
        this.waitTimeout = waitTimeout;
        this.observer = observer;
        this.cuda = cuda;
        this.gpu = gpu;
        String base = "baton-" + device.replace(':', '-') + "-" + name;
        this.host = Executors.newSingleThreadExecutor(r -> daemon(r, base));
        this.completer = Executors.newSingleThreadExecutor(r -> daemon(r, base + "-events"));
        // both threads talk to the driver: bind the device's context once, first thing
        submit(host, cuda::makeCurrent);
        submit(completer, cuda::makeCurrent);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true); // a stuck stream must never keep the JVM alive
        return t;
    }

    /** The GPU stream commands launch onto (the collectives enqueue NCCL calls on it). */
    dev.baton.kernels.driver.CudaStream gpuStream() {
        return gpu;
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void enqueue(CommandInfo info, StreamCommand command) {
        long seq = nextSeq++;
        List<String> waits = pendingWaits;
        pendingWaits = new ArrayList<>();
        long enqueued = System.nanoTime();
        submit(host, () -> run(seq, info, command, waits, enqueued));
    }

    private void run(long seq, CommandInfo info, StreamCommand command, List<String> waits, long enqueued) {
        if (failure.get() != null) {
            return;
        }
        long start = System.nanoTime();
        boolean failed = false;
        try {
            command.run();
        } catch (Throwable t) {
            failed = true;
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            fail(new StreamFailure(device + " " + name + " stream: " + info.describe() + " failed: " + describe(t), t));
        }
        long end = System.nanoTime();
        busy.addAndGet(end - start);
        observer.executed(new ExecutedCommand(device, rank, name, seq, info, waits, enqueued, start, end, failed));
    }

    @Override
    public void waitFor(Event event) {
        pendingWaits.add(event.source().substring(event.source().indexOf('/') + 1) + "#" + event.afterCommand());
        submit(host, () -> {
            if (failure.get() != null) {
                return;
            }
            try {
                if (event instanceof CudaEvent e && e.device() == cuda) {
                    e.enqueueWait(gpu, waitTimeout);
                } else {
                    event.await(waitTimeout);
                }
            } catch (StreamFailure e) {
                fail(new StreamFailure(device + " " + name + " stream: waiting for " + event + ": " + e.getMessage(),
                        e.getCause() != null ? e.getCause() : e));
            } catch (RuntimeException e) {
                fail(new StreamFailure(device + " " + name + " stream: waiting for " + event + ": " + describe(e), e));
            }
        });
    }

    @Override
    public Event record() {
        CudaEvent e = new CudaEvent(device + "/" + name, nextSeq - 1, cuda);
        pending.add(e);
        submit(host, () -> {
            Throwable f = failure.get();
            if (f != null) {
                pending.remove(e);
                e.fail(f);
                return;
            }
            try {
                e.recordOn(gpu);
            } catch (RuntimeException ex) {
                fail(new StreamFailure(device + " " + name + " stream: recording " + e + ": " + describe(ex), ex));
                return;
            }
            submit(completer, () -> awaitGpu(e));
        });
        return e;
    }

    /** On the completion thread: polls the marker until the GPU passed it, then fires the host side. */
    private void awaitGpu(CudaEvent e) {
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        try {
            while (failure.get() == null && !e.reached()) {
                if (System.nanoTime() > deadline) {
                    throw new StreamFailure("the GPU did not reach " + e + " within " + waitTimeout.toMillis() + " ms");
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (RuntimeException ex) {
            fail(ex instanceof StreamFailure ? new StreamFailure(device + " " + name + " stream: " + ex.getMessage(), ex)
                    : new StreamFailure(device + " " + name + " stream: waiting for the GPU at " + e + ": " + describe(ex), ex));
            return;
        }
        Throwable f = failure.get();
        pending.remove(e);
        if (f == null) {
            e.fire();
        } else {
            e.fail(f);
        }
    }

    private void submit(ExecutorService thread, Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException closed) {
            Throwable f = failure.get();
            fail(f != null ? f : new StreamFailure(device + " " + name + " stream is closed"));
        }
    }

    @Override
    public Throwable failure() {
        return failure.get();
    }

    @Override
    public void onFailure(Consumer<Throwable> listener) {
        failure.onFailure(listener);
    }

    private void fail(Throwable cause) {
        fail(cause, true);
    }

    private void fail(Throwable cause, boolean notify) {
        failure.fail(cause, notify, () -> {
            for (CudaEvent e : pending) {
                e.fail(cause);
            }
            pending.clear();
        });
    }

    @Override
    public long busyNanos() {
        return busy.get();
    }

    @Override
    public void abort(Throwable cause) {
        fail(cause);
        host.shutdownNow();
        completer.shutdownNow();
    }

    /**
     * Stops both threads; pending commands are dropped and their events fail. Work already on the
     * GPU is not waited for here: the owner of the buffers synchronises before releasing them.
     */
    @Override
    public void close() {
        // a deliberate close is no failure of the run: listeners are not told
        fail(new StreamFailure(device + " " + name + " stream was closed"), false);
        host.shutdownNow();
        completer.shutdownNow();
        try {
            host.awaitTermination(1, TimeUnit.SECONDS);
            completer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Throwable t) {
        Throwable root = StreamFailure.rootCause(t);
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    @Override
    public String toString() {
        return device + "/" + name;
    }
}
