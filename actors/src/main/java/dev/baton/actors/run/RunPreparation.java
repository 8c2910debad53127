package dev.baton.actors.run;

import dev.baton.actors.checkpoint.WeightsLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.scheduler.StepPlanner;
import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.CheckpointIndex;
import dev.baton.runtime.checkpoint.CheckpointStore;
import dev.baton.runtime.checkpoint.WeightsCheckpoint;

import java.nio.file.Path;
import java.util.List;

/**
 * What a run settles before any worker starts, so that configuration and checkpoint mistakes end
 * the run with one message and nothing spawned: the shard plan, the step planner (table, orders,
 * groups, tie), the checkpoint store, the checkpoint to resume from (its index read and checked
 * against this model and schedule) or the weights to start from (checked name by name).
 *
 * @param store       null when checkpoints are off
 * @param resumeDir   null for a fresh run
 * @param resumeIndex the index of {@code resumeDir}, or null
 * @param initFile    the weights file a fresh run starts from, or null for the seed's weights
 * @param weights     how the weights stand in checkpoint and init files
 */
record RunPreparation(ShardPlan plan, StepPlanner planner, CheckpointStore store, Path resumeDir,
                      CheckpointIndex resumeIndex, Path initFile, WeightsLayout weights) {

    /** The step the run starts at: the checkpoint's, else 0. */
    long firstStep() {
        return resumeIndex == null ? 0 : resumeIndex.nextStep();
    }

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
        WeightsLayout weights = workload.weights();
        if (resumeDir != null && settings.initFrom() != null) {
            throw new CheckpointException("starting from the weights in " + settings.initFrom() + " and resuming "
                    + resumeDir + " exclude each other: a resumed run continues its own weights");
        }
        CheckpointIndex index = resumeDir == null ? null : resumable(resumeDir, settings, workload);
        Path init = settings.initFrom() == null ? null : WeightsCheckpoint.check(settings.initFrom(), weights.byName());
        return new RunPreparation(plan, planner, store, resumeDir, index, init, weights);
    }

    /** The index of {@code dir} if this run can continue it: the same model, a step within the schedule, whole state. */
    private static CheckpointIndex resumable(Path dir, RunSettings settings, Workload workload) {
        CheckpointIndex index = CheckpointIndex.read(dir);
        List<String> diff = index.model().differences(workload.model());
        if (!diff.isEmpty()) {
            throw new CheckpointException("checkpoint " + dir + " was written for another model: " + String.join("; ", diff)
                    + ". Resume with the configuration it was written with (its " + CheckpointIndex.CONFIG
                    + "), or start a fresh run");
        }
        if (index.nextStep() > settings.steps()) {
            throw new CheckpointException("checkpoint " + dir + " resumes at step " + index.nextStep() + " but this run has "
                    + "only " + settings.steps() + " steps; resume with the schedule it was written with");
        }
        if (index.pendingGradients() && index.nextStep() < settings.steps()) {
            throw new CheckpointException("checkpoint " + dir + " ended a run of " + index.nextStep() + " steps after a "
                    + "step whose accumulated gradients it does not hold; it evaluates and samples but does not resume "
                    + "into a longer schedule");
        }
        return index;
    }
}
