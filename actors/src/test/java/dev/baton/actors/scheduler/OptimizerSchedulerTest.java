package dev.baton.actors.scheduler;

import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardPlanTestLayouts;
import dev.baton.actors.work.StepSchedule;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.actors.worker.WorkerCommand;
import dev.baton.runtime.data.Batch;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class OptimizerSchedulerTest {
    static final ActorTestKit kit = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    @Test
    void everyWorkerGetsItsOwnBatchesThenTheSameCommandsInTheSameOrder() {
        int world = 4;
        ShardPlan plan = ShardPlan.of(ShardPlanTestLayouts.record(world), world);
        StepPlanner planner = new StepPlanner(ParamTable.record(), ScheduleOrders.of(ParamTable.record()), plan,
                StepSchedule.oddAdamSteps(1151));
        List<TestProbe<WorkerCommand>> probes = new ArrayList<>();
        List<ActorRef<WorkerCommand>> refs = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            TestProbe<WorkerCommand> p = kit.createTestProbe();
            probes.add(p);
            refs.add(p.getRef());
        }
        ActorRef<OptimizerScheduler.Command> s = kit.spawn(OptimizerScheduler.create(planner, refs));
        Batch[][] batches = new Batch[2][world];
        for (int a = 0; a < 2; a++) {
            for (int r = 0; r < world; r++) {
                batches[a][r] = new Batch(new int[] {a, r}, new int[] {r, a}, new int[] {0, 2});
            }
        }
        s.tell(new OptimizerScheduler.ScheduleStep(3, batches));
        List<WorkerCommand> expected = planner.commands(planner.context(3, 2));
        for (int r = 0; r < world; r++) {
            WorkerCommand.Step step = probes.get(r).expectMessageClass(WorkerCommand.Step.class, Duration.ofSeconds(3));
            assertEquals(3, step.ctx().step());
            assertEquals(2, step.ctx().microSteps());
            assertSame(batches[0][r], step.microBatches().get(0), "rank " + r + " gets its own slice");
            assertSame(batches[1][r], step.microBatches().get(1));
            List<WorkerCommand> got = probes.get(r).receiveSeveralMessages(expected.size(), Duration.ofSeconds(3));
            assertEquals(expected, got, "rank " + r + " receives the plan in order");
        }
    }
}
