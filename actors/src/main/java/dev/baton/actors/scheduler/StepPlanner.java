package dev.baton.actors.scheduler;

import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.work.StepContext;
import dev.baton.actors.work.StepSchedule;
import dev.baton.actors.worker.WorkerCommand;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The plan of one step as the list of commands every worker receives, identical for all ranks:
 * the tie combine, the gradient collectives in param order (grouped as configured), each update
 * in work order followed by its all-gather, the tie sync, the untie at the split step, clearing
 * the consumed gradients, and the end of the step. Pure: the scheduler actor only sends it.
 *
 * <p>Which parameters take part: NorMuon parameters every step; Adam parameters only on Adam
 * steps (otherwise their gradients keep accumulating); while tied, never the embedding, whose
 * gradient is folded into the head's before the head's reduce-scatter.
 */
public final class StepPlanner {
    private final ParamTable table;
    private final ScheduleOrders orders;
    private final ShardPlan plan;
    private final EmbeddingTie tie;
    private final StepSchedule schedule;

    /**
     * @param table    the param table (labels = the shard plan's parameter names)
     * @param orders   orders and groups overriding the table's
     */
    public StepPlanner(ParamTable table, ScheduleOrders orders, ShardPlan plan, StepSchedule schedule) {
        this.table = orders.applyTo(table);
        this.orders = orders;
        this.plan = plan;
        this.tie = table.tie().orElse(null);
        this.schedule = schedule;
        List<String> problems = new ArrayList<>();
        for (ParamEntry e : this.table.inScatterOrder()) {
            if (!plan.contains(e.label())) {
                problems.add("label " + e.label() + " has no parameter in the shard plan");
            } else if ((e.comms() == Comms.SHARDED) != plan.param(e.label()).sharded()) {
                problems.add(e.label() + " is " + e.comms() + " in the param table but "
                        + (plan.param(e.label()).sharded() ? "sharded" : "replicated") + " in the shard plan");
            }
        }
        for (String p : plan.params().keySet()) {
            if (this.table.scatterOrder().stream().noneMatch(p::equals)) {
                problems.add("parameter " + p + " has no param table entry");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the param table and the shard plan disagree: " + String.join("; ", problems));
        }
        if (tie != null) {
            for (String p : List.of(tie.embedLabel(), tie.headLabel())) {
                if (!plan.param(p).sharded()) {
                    throw new IllegalArgumentException("tied parameter " + p + " must be sharded");
                }
            }
            if (schedule.splitStep() >= 0 && !schedule.adamStep(schedule.splitStep())) {
                throw new IllegalArgumentException("the split step " + schedule.splitStep()
                        + " must be an Adam step: the untie hands over the state of that step's update");
            }
        }
    }

    /** The orders in effect (the table's where the configuration left them empty). */
    public ScheduleOrders orders() {
        return new ScheduleOrders(table.scatterOrder(), table.workOrder(), orders.groups());
    }

    /** The same planner with other orders (validated). */
    public StepPlanner withOrders(ScheduleOrders other) {
        return new StepPlanner(table, other, plan, schedule);
    }

    /** The context of {@code step} with {@code microSteps} accumulation steps. */
    public StepContext context(long step, int microSteps) {
        boolean tied = tie != null && (schedule.splitStep() < 0 || step <= schedule.splitStep());
        return new StepContext(step, schedule.adamStep(step), tied, microSteps);
    }

    /** Every command after the {@code Step} message, ending with {@code FinishStep}. */
    public List<WorkerCommand> commands(StepContext ctx) {
        List<WorkerCommand> out = new ArrayList<>();
        boolean combine = ctx.tied() && ctx.adamStep();
        if (combine) {
            out.add(new WorkerCommand.CombineTied());
        }
        Set<String> launched = new HashSet<>();
        for (String p : table.scatterOrder()) {
            if (!active(p, ctx) || launched.contains(p)) {
                continue;
            }
            List<WorkerCommand.PlannedCollective> group = new ArrayList<>();
            List<String> members = orders.groupOf(p);
            for (String q : table.scatterOrder()) {
                if (members.contains(q) && active(q, ctx)) {
                    launched.add(q);
                    group.add(new WorkerCommand.PlannedCollective(q,
                            plan.param(q).sharded() ? CommandKind.REDUCE_SCATTER : CommandKind.ALL_REDUCE));
                }
            }
            out.add(new WorkerCommand.LaunchCollective(group));
        }
        for (String p : table.workOrder()) {
            if (!active(p, ctx)) {
                continue;
            }
            out.add(new WorkerCommand.RunUpdate(p));
            if (plan.param(p).sharded()) {
                out.add(new WorkerCommand.Gather(p));
            }
        }
        if (combine) {
            out.add(new WorkerCommand.SyncTied());
        }
        if (tie != null && ctx.step() == schedule.splitStep()) {
            out.add(new WorkerCommand.Untie());
        }
        List<String> consumed = new ArrayList<>();
        for (String p : table.scatterOrder()) {
            if (active(p, ctx) || (combine && p.equals(tie.embedLabel()))) {
                consumed.add(p);
            }
        }
        out.add(new WorkerCommand.ClearGradients(consumed));
        out.add(new WorkerCommand.FinishStep(ctx.step()));
        return out;
    }

    /** True when {@code label}'s gradient is reduced and applied at this step. */
    public boolean active(String label, StepContext ctx) {
        if (table.entry(label).isAdam() && !ctx.adamStep()) {
            return false;
        }
        return !(ctx.tied() && tie != null && label.equals(tie.embedLabel()));
    }

    /**
     * True when no gradient is left accumulated after {@code step}, so that a checkpoint then
     * captures the whole training state: every parameter was consumed this step.
     */
    public boolean gradientsConsumed(long step) {
        return schedule.adamStep(step);
    }
}
