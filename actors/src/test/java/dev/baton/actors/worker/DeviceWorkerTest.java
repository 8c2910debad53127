package dev.baton.actors.worker;

import dev.baton.actors.checkpoint.WeightsLayout;
import dev.baton.actors.collective.InProcessCollectives;
import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.scheduler.StepPlanner;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInData;
import dev.baton.actors.standin.StandInFactory;
import dev.baton.actors.standin.StandInWork;
import dev.baton.actors.stream.CpuStream;
import dev.baton.actors.stream.Delays;
import dev.baton.actors.stream.StreamObserver;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.StepContext;
import dev.baton.actors.work.StepSchedule;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.data.Batch;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceWorkerTest {
    static final ActorTestKit kit = ActorTestKit.create();
    static final Duration WAIT = Duration.ofSeconds(5);

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    private static ActorRef<WorkerCommand> spawn(WorkFactory factory, ShardPlan plan, TestProbe<WorkerReply> replies) {
        StreamFactory streams = (d, r, n, o) -> new CpuStream(d, r, n, WAIT, o, Delays.NONE);
        WorkerSetup setup = new WorkerSetup(0, "cpu:0", plan, factory,
                new InProcessCollectives(1, LinkModel.NONE, WAIT, Delays.NONE).communicator(0), streams,
                StreamObserver.NONE, EmbeddingTie.record(), WeightsLayout.of(StandInFactory.table(), factory.layouts(1)), WAIT,
                replies.getRef());
        return kit.spawn(DeviceWorker.create(setup));
    }

    @Test
    void aStepOnOneDeviceGivesTheLossOfTheWorkAndItsTimings() {
        StandInConfig config = StandInConfig.small();
        StandInFactory factory = new StandInFactory(config);
        ShardPlan plan = ShardPlan.of(factory.layouts(1), 1);
        TestProbe<WorkerReply> replies = kit.createTestProbe();
        ActorRef<WorkerCommand> w = spawn(factory, plan, replies);
        replies.expectMessage(WAIT, new WorkerReply.Ready(0));

        Batch[][] batches = new StandInData(24, 16, config.vocab()).next(0, 1);
        StepPlanner planner = new StepPlanner(StandInFactory.table(), ScheduleOrders.of(StandInFactory.table()), plan,
                StepSchedule.oddAdamSteps(5));
        StepContext ctx = planner.context(1, batches.length);
        w.tell(new WorkerCommand.Step(ctx, Arrays.stream(batches).map(b -> b[0]).toList()));
        planner.commands(ctx).forEach(w::tell);
        WorkerReply.StepDone done = replies.expectMessageClass(WorkerReply.StepDone.class, WAIT);

        StandInWork direct = (StandInWork) new StandInFactory(config).create(0, plan);
        for (Batch[] b : batches) {
            direct.forwardBackward(b[0], 1f / batches.length, ctx);
        }
        assertEquals(direct.takeLoss(), done.loss(), "the worker reports exactly the work's loss");
        assertEquals(1, done.step());
        assertTrue(done.timings().computeBusyNanos() > 0 && done.timings().wallNanos() >= done.timings().computeBusyNanos());
        assertTrue(done.timings().commBusyNanos() > 0, "the collectives ran on the comm stream");
        w.tell(new WorkerCommand.Stop(false));
        replies.expectTerminated(w, WAIT);
    }

    @Test
    void aStepCommandOutsideAStepFailsTheWorkerWithTheDeviceNamed() {
        StandInFactory factory = new StandInFactory(StandInConfig.small());
        TestProbe<WorkerReply> replies = kit.createTestProbe();
        ActorRef<WorkerCommand> w = spawn(factory, ShardPlan.of(factory.layouts(1), 1), replies);
        replies.expectMessage(WAIT, new WorkerReply.Ready(0));
        w.tell(new WorkerCommand.RunUpdate("bank"));
        WorkerReply.WorkerFailed f = replies.expectMessageClass(WorkerReply.WorkerFailed.class, WAIT);
        assertEquals("cpu:0", f.device());
        assertTrue(f.message().contains("RunUpdate outside a step"), f.message());
        replies.expectTerminated(w, WAIT);
    }

    @Test
    void aFactoryThatThrowsIsReportedAndTheWorkerStops() {
        WorkFactory broken = new WorkFactory() {
            @Override
            public List<ParamLayout> layouts(int world) {
                return List.of();
            }

            @Override
            public DeviceWork create(int rank, ShardPlan plan) {
                throw new IllegalStateException("no memory on the device");
            }
        };
        TestProbe<WorkerReply> replies = kit.createTestProbe();
        ActorRef<WorkerCommand> w = spawn(broken, ShardPlan.of(List.of(), 1), replies);
        WorkerReply.WorkerFailed f = replies.expectMessageClass(WorkerReply.WorkerFailed.class, WAIT);
        assertTrue(f.message().contains("could not create its work") && f.message().contains("no memory on the device"),
                f.message());
        replies.expectTerminated(w, WAIT);
    }
}
