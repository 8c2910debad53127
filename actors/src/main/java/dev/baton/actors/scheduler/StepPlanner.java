package dev.baton.actors.scheduler;

import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.work.StepContext;
import dev.baton.actors.work.StepSchedule;
import dev.baton.actors.work.TiedPair;
import dev.baton.actors.worker.WorkerCommand;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

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
    private final List<ParamEntry> table;
    private final Map<String, ParamEntry> byName;
    private final ScheduleOrders orders;
    private final ShardPlan plan;
    private final TiedPair tie;
    private final StepSchedule schedule;

    public StepPlanner(List<ParamEntry> table, ScheduleOrders orders, ShardPlan plan, TiedPair tie, StepSchedule schedule) {
        this.table = List.copyOf(table);
        this.byName = table.stream().collect(Collectors.toMap(ParamEntry::name, Function.identity()));
        this.orders = orders;
        this.plan = plan;
        this.tie = tie;
        this.schedule = schedule;
        orders.validate(table);
        for (ParamEntry e : table) {
            if (!plan.contains(e.name())) {
                throw new IllegalArgumentException("param table names '" + e.name() + "' but the model has no such parameter; it has "
                        + plan.params().keySet());
            }
        }
        if (table.size() != plan.params().size()) {
            List<String> missing = new ArrayList<>(plan.params().keySet());
            missing.removeAll(byName.keySet());
            throw new IllegalArgumentException("the param table misses model parameters " + missing);
        }
        if (tie != null) {
            for (String p : List.of(tie.embed(), tie.head())) {
                ParamEntry e = byName.get(p);
                if (e == null || e.optimizer() != OptimizerKind.ADAM || !plan.param(p).sharded()) {
                    throw new IllegalArgumentException("tied parameter '" + p + "' must be a sharded Adam parameter of the table");
                }
            }
            if (schedule.splitStep() >= 0 && !schedule.adamStep(schedule.splitStep())) {
                throw new IllegalArgumentException("the split step " + schedule.splitStep()
                        + " must be an Adam step: the untie hands over the state of that step's update");
            }
        }
    }

    public ScheduleOrders orders() {
        return orders;
    }

    /** The same planner with other orders (validated). */
    public StepPlanner withOrders(ScheduleOrders other) {
        return new StepPlanner(table, other, plan, tie, schedule);
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
        for (String p : orders.paramOrder()) {
            if (!active(p, ctx) || launched.contains(p)) {
                continue;
            }
            List<WorkerCommand.PlannedCollective> group = new ArrayList<>();
            List<String> members = orders.groupOf(p);
            for (String q : orders.paramOrder()) {
                if (members.contains(q) && active(q, ctx)) {
                    launched.add(q);
                    group.add(new WorkerCommand.PlannedCollective(q,
                            plan.param(q).sharded() ? CommandKind.REDUCE_SCATTER : CommandKind.ALL_REDUCE));
                }
            }
            out.add(new WorkerCommand.LaunchCollective(group));
        }
        for (String p : orders.workOrder()) {
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
        for (ParamEntry e : table) {
            if (active(e.name(), ctx) || (combine && e.name().equals(tie.embed()))) {
                consumed.add(e.name());
            }
        }
        out.add(new WorkerCommand.ClearGradients(consumed));
        out.add(new WorkerCommand.FinishStep(ctx.step()));
        return out;
    }

    /** True when {@code param}'s gradient is reduced and applied at this step. */
    public boolean active(String param, StepContext ctx) {
        ParamEntry e = byName.get(param);
        if (e.optimizer() == OptimizerKind.ADAM && !ctx.adamStep()) {
            return false;
        }
        return !(ctx.tied() && tie != null && param.equals(tie.embed()));
    }

    /**
     * True when no gradient is left accumulated after {@code step}, so that a checkpoint then
     * captures the whole training state: every parameter was consumed this step.
     */
    public boolean gradientsConsumed(long step) {
        return schedule.adamStep(step);
    }
}
