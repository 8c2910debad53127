package dev.baton.actors.stream;

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
import java.util.function.Consumer;

/**
 * A stream for CPU devices: one dedicated daemon thread runs the commands in enqueue order. A
 * wait on an event parks this stream's thread (as a CUDA stream waits on the GPU), never the
 * enqueuing actor's thread, and gives up after the configured timeout with a clear failure.
 */
public final class CpuStream implements Stream {
    private final String device;
    private final int rank;
    private final String name;
    private final Duration waitTimeout;
    private final StreamObserver observer;
    private final Delays delays;
    private final ExecutorService thread;
    private final AtomicLong busy = new AtomicLong();
    private final Set<DeviceEvent> pending = ConcurrentHashMap.newKeySet();
    private final StickyFailure failure = new StickyFailure();
    // enqueue-side state: touched only by the single enqueuing owner
    private long nextSeq;
    private List<String> pendingWaits = new ArrayList<>();

    public CpuStream(String device, int rank, String name, Duration waitTimeout, StreamObserver observer, Delays delays) {
        this.device = device;
        this.rank = rank;
        this.name = name;
        this.waitTimeout = waitTimeout;
        this.observer = observer;
        this.delays = delays;
        String threadName = "baton-" + device.replace(':', '-') + "-" + name;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true); // a stuck stream must never keep the JVM alive
            return t;
        });
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
        submit(() -> run(seq, info, command, waits, enqueued));
    }

    private void run(long seq, CommandInfo info, StreamCommand command, List<String> waits, long enqueued) {
        if (failure.get() != null) {
            return;
        }
        delays.pause();
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
        submit(() -> {
            if (failure.get() != null) {
                return;
            }
            try {
                event.await(waitTimeout);
            } catch (StreamFailure e) {
                fail(new StreamFailure(device + " " + name + " stream: waiting for " + event + ": " + e.getMessage(),
                        e.getCause() != null ? e.getCause() : e));
            }
        });
    }

    @Override
    public Event record() {
        DeviceEvent e = new DeviceEvent(device + "/" + name, nextSeq - 1);
        pending.add(e);
        submit(() -> {
            pending.remove(e);
            Throwable f = failure.get();
            if (f == null) {
                e.fire();
            } else {
                e.fail(f);
            }
        });
        return e;
    }

    private void submit(Runnable task) {
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
            for (DeviceEvent e : pending) {
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
        thread.shutdownNow();
    }

    @Override
    public void close() {
        // a deliberate close is no failure of the run: listeners are not told
        fail(new StreamFailure(device + " " + name + " stream was closed"), false);
        thread.shutdownNow();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
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
