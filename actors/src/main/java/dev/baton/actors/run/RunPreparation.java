package dev.baton.actors.run;

import dev.baton.actors.checkpoint.CheckpointIndex;
import dev.baton.actors.checkpoint.CheckpointStore;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.scheduler.StepPlanner;

import java.nio.file.Path;

/**
 * What a run settles before any worker starts, so that configuration and checkpoint mistakes end
 * the run with one message and nothing spawned: the shard plan, the step planner (table, orders,
 * groups, tie), the checkpoint store and the checkpoint to resume from (its index read and checked).
 *
 * @param store       null when checkpoints are off
 * @param resumeDir   null for a fresh run
 * @param resumeIndex the index of {@code resumeDir}, or null
 */
record RunPreparation(ShardPlan plan, StepPlanner planner, CheckpointStore store, Path resumeDir,
                      CheckpointIndex resumeIndex) {

    /** @throws RuntimeException with a user-facing message when something does not fit */
    static RunPreparation of(RunSettings settings, Workload workload) {
        int world = settings.world();
        ShardPlan plan = ShardPlan.of(workload.work().layouts(world), world);
        ScheduleOrders orders = settings.orders() != null ? settings.orders() : ScheduleOrders.of(workload.table());
        StepPlanner planner = new StepPlanner(workload.table(), orders, plan, workload.schedule());
        CheckpointStore store = settings.checkpointDir() == null ? null
                : new CheckpointStore(settings.checkpointDir(), settings.keepCheckpoints());
        Path resumeDir = settings.resumeFrom() != null ? settings.resumeFrom()
                : settings.resume() && store != null ? store.latest().orElse(null) : null;
        CheckpointIndex index = resumeDir == null ? null : CheckpointIndex.read(resumeDir);
        return new RunPreparation(plan, planner, store, resumeDir, index);
    }
}
