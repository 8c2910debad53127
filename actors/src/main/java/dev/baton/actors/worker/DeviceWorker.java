package dev.baton.actors.worker;

import dev.baton.actors.checkpoint.RankCheckpoint;
import dev.baton.actors.stream.CommandInfo;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.stream.Stream;
import dev.baton.actors.stream.StreamFailure;
import dev.baton.actors.work.DeviceWork;
import dev.baton.runtime.checkpoint.CheckpointIndex;
import dev.baton.runtime.train.LossSum;
import dev.baton.runtime.data.Batch;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The actor that owns one device: its work (replica, optimizer shard, gradients), a compute
 * and a comm stream, and its communicator. It runs on a dedicated thread (a pinned dispatcher)
 * and its handlers only enqueue; streams report back through messages. States: idle (between
 * steps: steps, evaluation and checkpoints start here), in-step, stopping.
 */
public final class DeviceWorker {
    private final ActorContext<WorkerCommand> ctx;
    private final WorkerSetup setup;
    private final DeviceWork work;
    private final Stream compute;
    private final Stream comm;
    private final StepExecution exec;
    private final ActorRef<WorkerReply> coordinator;
    private boolean closed;
    private boolean failed;
    private long stepStart;
    private long computeBusyAtStart;
    private long commBusyAtStart;

    private DeviceWorker(ActorContext<WorkerCommand> ctx, WorkerSetup setup, DeviceWork work, Stream compute, Stream comm) {
        this.ctx = ctx;
        this.setup = setup;
        this.work = work;
        this.compute = compute;
        this.comm = comm;
        this.coordinator = setup.coordinator();
        this.exec = new StepExecution(setup.rank(), setup.plan(), work, setup.communicator(), compute, comm, setup.tie());
        ActorRef<WorkerCommand> self = ctx.getSelf();
        compute.onFailure(t -> self.tell(new WorkerSignal.StreamFailed(t)));
        comm.onFailure(t -> self.tell(new WorkerSignal.StreamFailed(t)));
    }

    /** A worker that creates its work on its own thread and answers {@link WorkerReply.Ready}. */
    public static Behavior<WorkerCommand> create(WorkerSetup setup) {
        return Behaviors.setup(ctx -> {
            DeviceWork work;
            try {
                work = setup.factory().create(setup.rank(), setup.plan());
            } catch (Throwable t) {
                setup.coordinator().tell(new WorkerReply.WorkerFailed(setup.rank(), setup.device(),
                        setup.device() + " could not create its work: " + describe(t), t));
                return Behaviors.stopped();
            }
            Stream compute = setup.streams().create(setup.device(), setup.rank(), "compute", setup.observer());
            Stream comm = setup.streams().create(setup.device(), setup.rank(), "comm", setup.observer());
            DeviceWorker w = new DeviceWorker(ctx, setup, work, compute, comm);
            setup.coordinator().tell(new WorkerReply.Ready(setup.rank()));
            return w.idle();
        });
    }

    private Behavior<WorkerCommand> idle() {
        return Behaviors.receive(WorkerCommand.class)
                .onMessage(WorkerCommand.Step.class, this::beginStep)
                .onMessage(WorkerCommand.Evaluate.class, this::evaluate)
                .onMessage(WorkerCommand.SaveCheckpoint.class, m -> io(CommandKind.CHECKPOINT_SAVE, () -> {
                    RankCheckpoint.save(m.dir(), setup.rank(), setup.plan(), setup.weights(), work, m.step());
                    return new WorkerReply.Saved(setup.rank(), m.step());
                }))
                .onMessage(WorkerCommand.LoadCheckpoint.class, m -> io(CommandKind.CHECKPOINT_LOAD, () -> {
                    CheckpointIndex index = CheckpointIndex.read(m.dir());
                    RankCheckpoint.load(m.dir(), index, setup.rank(), setup.plan(), setup.weights(), work);
                    return new WorkerReply.Loaded(setup.rank(), index.nextStep());
                }))
                .onMessage(WorkerCommand.LoadWeights.class, m -> io(CommandKind.CHECKPOINT_LOAD, () -> {
                    RankCheckpoint.loadWeights(m.file(), setup.plan(), setup.weights(), work);
                    return new WorkerReply.Loaded(setup.rank(), 0);
                }))
                .onMessage(WorkerSignal.IoDone.class, m -> {
                    if (m.failure() != null) {
                        return fail(m.failure());
                    }
                    coordinator.tell(m.reply());
                    return Behaviors.same();
                })
                .onMessage(WorkerSignal.StreamFailed.class, m -> fail(m.cause()))
                .onMessage(WorkerCommand.Stop.class, m -> stopping(m.abandon()))
                .onMessage(WorkerCommand.class, m -> fail(new IllegalStateException(
                        "received " + m.getClass().getSimpleName() + " outside a step")))
                .onSignal(PostStop.class, s -> closeAll())
                .build();
    }

    private Behavior<WorkerCommand> inStep() {
        return Behaviors.receive(WorkerCommand.class)
                .onMessage(WorkerCommand.FinishStep.class, m -> {
                    if (m.step() != exec.step()) {
                        return fail(new IllegalStateException("FinishStep(" + m.step() + ") during step " + exec.step()));
                    }
                    long step = m.step();
                    ctx.pipeToSelf(exec.finish(), (loss, t) -> new WorkerSignal.StepDrained(step, loss == null ? Double.NaN : loss, t));
                    return Behaviors.same();
                })
                .onMessage(WorkerSignal.StepDrained.class, this::stepDrained)
                .onMessage(WorkerSignal.StreamFailed.class, m -> fail(m.cause()))
                .onMessage(WorkerCommand.Stop.class, m -> stopping(true))
                .onMessage(WorkerSignal.class, m -> Behaviors.same())
                .onMessage(WorkerCommand.Step.class, m -> fail(new IllegalStateException(
                        "step " + m.ctx().step() + " began before step " + exec.step() + " finished")))
                .onMessage(WorkerCommand.class, this::stepCommand)
                .onSignal(PostStop.class, s -> closeAll())
                .build();
    }

    private Behavior<WorkerCommand> stopping(boolean abandon) {
        if (abandon || failed) {
            abortStreams(new StreamFailure(setup.device() + " was stopped"));
            closeAll();
            return Behaviors.stopped();
        }
        ctx.pipeToSelf(compute.record().completion().thenCompose(v -> comm.record().completion()),
                (v, t) -> new WorkerSignal.Drained(false));
        return Behaviors.withTimers(timers -> {
            timers.startSingleTimer(new WorkerSignal.Drained(true), setup.drainTimeout());
            return Behaviors.receive(WorkerCommand.class)
                    .onMessage(WorkerSignal.Drained.class, m -> {
                        if (m.timedOut()) {
                            abortStreams(new StreamFailure(setup.device() + " did not drain within "
                                    + setup.drainTimeout().toMillis() + " ms while stopping"));
                        }
                        closeAll();
                        return Behaviors.stopped();
                    })
                    .onMessage(WorkerCommand.class, m -> Behaviors.same())
                    .onSignal(PostStop.class, s -> closeAll())
                    .build();
        });
    }

    private Behavior<WorkerCommand> beginStep(WorkerCommand.Step m) {
        stepStart = System.nanoTime();
        computeBusyAtStart = compute.busyNanos();
        commBusyAtStart = comm.busyNanos();
        try {
            exec.begin(m);
        } catch (RuntimeException e) {
            return fail(e);
        }
        return inStep();
    }

    private Behavior<WorkerCommand> stepCommand(WorkerCommand m) {
        try {
            exec.apply(m);
        } catch (RuntimeException e) {
            return fail(e);
        }
        return Behaviors.same();
    }

    private Behavior<WorkerCommand> stepDrained(WorkerSignal.StepDrained m) {
        if (m.failure() != null) {
            return fail(m.failure());
        }
        StepTimings t = new StepTimings(System.nanoTime() - stepStart, compute.busyNanos() - computeBusyAtStart,
                comm.busyNanos() - commBusyAtStart);
        coordinator.tell(new WorkerReply.StepDone(setup.rank(), m.step(), m.loss(), t));
        return idle();
    }

    private Behavior<WorkerCommand> evaluate(WorkerCommand.Evaluate m) {
        return io(CommandKind.EVALUATE, () -> {
            LossSum sum = new LossSum(0, 0);
            for (Batch b : m.batches()) {
                sum = sum.plus(work.evaluate(b, m.step()));
            }
            return new WorkerReply.Evaluated(setup.rank(), m.step(), sum);
        });
    }

    /** Runs {@code body} on the compute stream after everything before it and answers with its reply. */
    private Behavior<WorkerCommand> io(CommandKind kind, Callable<WorkerReply> body) {
        AtomicReference<WorkerReply> reply = new AtomicReference<>();
        compute.enqueue(CommandInfo.compute(-1, kind, ""), () -> reply.set(body.call()));
        ctx.pipeToSelf(compute.record().completion(), (v, t) -> new WorkerSignal.IoDone(reply.get(), t));
        return Behaviors.same();
    }

    /** Reports the failure once, aborts the streams and stops; the coordinator sees the termination. */
    private Behavior<WorkerCommand> fail(Throwable cause) {
        if (!failed) {
            failed = true;
            Throwable root = StreamFailure.rootCause(cause);
            // a drained-step future fails wrapped; the stream's own failure names the command
            Throwable c = cause;
            while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
                c = c.getCause();
            }
            String what = c instanceof StreamFailure ? c.getMessage() : describe(c);
            if (what.startsWith(setup.device() + " ")) {
                what = what.substring(setup.device().length() + 1); // the reply names the device already
            }
            coordinator.tell(new WorkerReply.WorkerFailed(setup.rank(), setup.device(), what, root));
        }
        abortStreams(cause);
        closeAll();
        return Behaviors.stopped();
    }

    private void abortStreams(Throwable cause) {
        compute.abort(cause);
        comm.abort(cause);
    }

    private Behavior<WorkerCommand> closeAll() {
        if (!closed) {
            closed = true;
            compute.close();
            comm.close();
            try {
                work.close();
            } catch (RuntimeException e) {
                ctx.getLog().warn("{} could not release its work cleanly: {}", setup.device(), e.toString());
            }
        }
        return Behaviors.same();
    }

    private static String describe(Throwable t) {
        Throwable root = StreamFailure.rootCause(t);
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
