package dev.baton.actors.run;

import dev.baton.actors.worker.WorkerReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The coordinator's last state: every worker has been told to stop, and the run ends once all of
 * them have terminated, or when the stop timeout fires (naming those still alive). A worker that
 * reports a failure meanwhile turns a clean ending into a failed one; further stop requests are moot.
 */
final class WorkerShutdown {
    private WorkerShutdown() {
    }

    /**
     * @param alive  the workers not yet terminated (mutated as they stop), to their ranks
     * @param token  the phase token of the stop timeout already started by the caller
     * @param finish ends the run with the final result
     */
    static Behavior<CoordinatorCommand> await(RunResult result, long token, Map<ActorRef<Void>, Integer> alive,
                                                  IntFunction<String> deviceName, Duration timeout,
                                                  Function<RunResult, Behavior<CoordinatorCommand>> finish) {
        RunResult[] outcome = {result};
        return Behaviors.receive(CoordinatorCommand.class)
                .onMessage(CoordinatorCommand.FromWorker.class, m -> {
                    if (m.reply() instanceof WorkerReply.WorkerFailed f && outcome[0].status() != RunResult.Status.FAILED) {
                        outcome[0] = new RunResult(RunResult.Status.FAILED, result.nextStep(), "device " + f.device()
                                + " (rank " + f.rank() + ") failed while stopping: " + f.message(), result.lastCheckpoint());
                    }
                    return Behaviors.same();
                })
                .onMessage(CoordinatorCommand.PhaseTimeout.class, m -> {
                    if (m.token() != token) {
                        return Behaviors.same();
                    }
                    RunResult o = outcome[0];
                    return finish.apply(new RunResult(o.status(), o.nextStep(), o.message() + (o.message().isEmpty() ? "" : "; ")
                            + "devices " + alive.values().stream().map(deviceName::apply).toList() + " did not stop within "
                            + timeout.toMillis() + " ms", o.lastCheckpoint()));
                })
                .onMessage(CoordinatorCommand.RequestStop.class, m -> Behaviors.same())
                .onSignal(Terminated.class, s -> {
                    alive.remove(s.getRef());
                    return alive.isEmpty() ? finish.apply(outcome[0]) : Behaviors.same();
                })
                .build();
    }
}
