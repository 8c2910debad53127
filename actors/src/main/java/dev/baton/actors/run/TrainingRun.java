package dev.baton.actors.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The edge between a caller (the launcher, a test, a benchmark) and a run of the actor runtime:
 * starts the actor system with the {@link RunCoordinator} as its guardian, relays stop requests,
 * and hands out the result. The system terminates by itself when the run has ended.
 */
public final class TrainingRun implements AutoCloseable {
    private final ActorSystem<CoordinatorCommand> system;
    private final CompletableFuture<RunResult> result;
    private final RunSettings settings;

    private TrainingRun(ActorSystem<CoordinatorCommand> system, CompletableFuture<RunResult> result, RunSettings settings) {
        this.system = system;
        this.result = result;
        this.settings = settings;
    }

    /** Starts a run on virtual CPU devices. */
    public static TrainingRun start(RunSettings settings, Workload workload, RunListener listener) {
        return start(settings, workload, DeviceBackend.cpu(), listener);
    }

    public static TrainingRun start(RunSettings settings, Workload workload, DeviceBackend backend, RunListener listener) {
        CompletableFuture<RunResult> result = new CompletableFuture<>();
        Config config = ConfigFactory.parseResources("dev/baton/actors/pekko.conf").withFallback(ConfigFactory.load());
        ActorSystem<CoordinatorCommand> system = ActorSystem.create(
                RunCoordinator.create(settings, workload, backend, listener, result), "baton", config);
        system.getWhenTerminated().whenComplete((done, t) -> result.complete(new RunResult(RunResult.Status.FAILED, -1,
                "the actor system ended before the run reported a result", null)));
        return new TrainingRun(system, result, settings);
    }

    /** Asks the run to stop; {@link #result()} completes once it has. */
    public void requestStop(StopMode mode) {
        system.tell(new CoordinatorCommand.RequestStop(mode));
    }

    public CompletableFuture<RunResult> result() {
        return result;
    }

    /**
     * Waits for the result. If none comes within {@code timeout} the run is abandoned and, should
     * even that not end it, the actor system is terminated; either way a result comes back.
     */
    public RunResult await(Duration timeout) {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            requestStop(StopMode.ABANDON);
            try {
                RunResult r = result.get(stopAllowance(settings).toNanos(), TimeUnit.NANOSECONDS);
                return new RunResult(RunResult.Status.FAILED, r.nextStep(), "the run did not end within "
                        + timeout.toMillis() + " ms and was abandoned" + (r.message().isEmpty() ? "" : ": " + r.message()),
                        r.lastCheckpoint());
            } catch (TimeoutException | ExecutionException e2) {
                system.terminate();
                return new RunResult(RunResult.Status.FAILED, -1, "the run did not end within " + timeout.toMillis()
                        + " ms and did not stop when asked; its actor system was terminated", null);
            } catch (InterruptedException e2) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the run", e2);
            }
        } catch (ExecutionException e) {
            return new RunResult(RunResult.Status.FAILED, -1, "the run failed: " + e.getCause(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the run", e);
        }
    }

    /** Terminates the actor system (after the run ended, or to tear it down) and waits for it briefly. */
    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the stream and worker threads are daemons: a stuck one cannot keep the JVM alive
        }
    }

    /** How long a caller should allow a run to end after a stop request before giving up on it. */
    public static Duration stopAllowance(RunSettings s) {
        return s.stepTimeout().multipliedBy(2);
    }
}
