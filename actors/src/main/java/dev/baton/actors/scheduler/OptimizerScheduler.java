package dev.baton.actors.scheduler;

import dev.baton.actors.work.StepContext;
import dev.baton.actors.worker.WorkerCommand;
import dev.baton.runtime.data.Batch;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.ArrayList;
import java.util.List;

/**
 * The actor that holds the param table, the param order and the work order, and for each step
 * sends every worker the same commands in the same order (what NCCL requires): the step with the
 * rank's micro-batches, then the step's plan from the {@link StepPlanner}, command by command to
 * all workers. Orders can change between steps (schedule tuning).
 */
public final class OptimizerScheduler {
    /** Messages of the scheduler. */
    public sealed interface Command permits ScheduleStep, UseOrders {
    }

    /** Run step {@code step} with {@code batches[microStep][rank]}. */
    public record ScheduleStep(long step, Batch[][] batches) implements Command {
    }

    /** Use these orders from the next step on. */
    public record UseOrders(ScheduleOrders orders) implements Command {
    }

    private OptimizerScheduler() {
    }

    public static Behavior<Command> create(StepPlanner planner, List<ActorRef<WorkerCommand>> workers) {
        List<ActorRef<WorkerCommand>> ws = List.copyOf(workers);
        return Behaviors.receive(Command.class)
                .onMessage(ScheduleStep.class, m -> {
                    send(planner, ws, m);
                    return Behaviors.same();
                })
                .onMessage(UseOrders.class, m -> create(planner.withOrders(m.orders()), ws))
                .build();
    }

    private static void send(StepPlanner planner, List<ActorRef<WorkerCommand>> workers, ScheduleStep m) {
        int world = workers.size();
        StepContext ctx = planner.context(m.step(), m.batches().length);
        for (int r = 0; r < world; r++) {
            List<Batch> mine = new ArrayList<>(m.batches().length);
            for (Batch[] micro : m.batches()) {
                if (micro.length != world) {
                    throw new IllegalArgumentException("step " + m.step() + ": a micro-step has " + micro.length
                            + " batches for " + world + " workers");
                }
                mine.add(micro[r]);
            }
            workers.get(r).tell(new WorkerCommand.Step(ctx, mine));
        }
        for (WorkerCommand c : planner.commands(ctx)) {
            for (ActorRef<WorkerCommand> w : workers) {
                w.tell(c);
            }
        }
    }
}
