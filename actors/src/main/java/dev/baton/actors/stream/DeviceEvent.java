package dev.baton.actors.stream;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CPU event: a future completed by its stream's thread when the stream reaches it. It is
 * also the neutral "already fired" or "failed" event a backend can hand out.
 */
public final class DeviceEvent implements Event {
    private final String source;
    private final long afterCommand;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    public DeviceEvent(String source, long afterCommand) {
        this.source = source;
        this.afterCommand = afterCommand;
    }

    /** An event that has fired already, e.g. for a stream with nothing enqueued. */
    public static DeviceEvent fired(String source) {
        DeviceEvent e = new DeviceEvent(source, -1);
        e.fire();
        return e;
    }

    void fire() {
        done.complete(null);
    }

    void fail(Throwable cause) {
        done.completeExceptionally(cause);
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
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new StreamFailure("event of " + source + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new StreamFailure("event of " + source + " after command #" + afterCommand
                    + " did not fire within " + timeout.toMillis() + " ms");
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
