package dev.baton.actors.scheduler;

import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardPlanTestLayouts;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.work.StepContext;
import dev.baton.actors.work.StepSchedule;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.actors.worker.WorkerCommand;
import dev.baton.actors.worker.WorkerCommand.ClearGradients;
import dev.baton.actors.worker.WorkerCommand.CombineTied;
import dev.baton.actors.worker.WorkerCommand.FinishStep;
import dev.baton.actors.worker.WorkerCommand.Gather;
import dev.baton.actors.worker.WorkerCommand.LaunchCollective;
import dev.baton.actors.worker.WorkerCommand.PlannedCollective;
import dev.baton.actors.worker.WorkerCommand.RunUpdate;
import dev.baton.actors.worker.WorkerCommand.SyncTied;
import dev.baton.actors.worker.WorkerCommand.Untie;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepPlannerTest {
    static final long SPLIT = 1151;
    static final List<String> REPLICATED = List.of("scalars", "smear_gate", "skip_gate", "attn_gate_bank", "ve_gate_bank", "x0_lambdas");

    private static StepPlanner planner(ScheduleOrders orders) {
        ShardPlan plan = ShardPlan.of(ShardPlanTestLayouts.record(8), 8);
        return new StepPlanner(ParamTable.record(), orders, plan, StepSchedule.oddAdamSteps(SPLIT));
    }

    private static LaunchCollective launch(String p) {
        return new LaunchCollective(List.of(new PlannedCollective(p,
                REPLICATED.contains(p) ? CommandKind.ALL_REDUCE : CommandKind.REDUCE_SCATTER)));
    }

    private static List<WorkerCommand> updates(List<String> work) {
        List<WorkerCommand> out = new ArrayList<>();
        for (String p : work) {
            out.add(new RunUpdate(p));
            if (!REPLICATED.contains(p)) {
                out.add(new Gather(p));
            }
        }
        return out;
    }

    @Test
    void anEvenStepReducesAndUpdatesOnlyTheNorMuonBanks() {
        StepPlanner p = planner(ScheduleOrders.of(ParamTable.record()));
        StepContext ctx = p.context(0, 1);
        assertFalse(ctx.adamStep());
        assertTrue(ctx.tied());
        List<WorkerCommand> expected = new ArrayList<>(List.of(launch("attn"), launch("mlp")));
        expected.addAll(updates(List.of("attn", "mlp")));
        expected.add(new ClearGradients(List.of("attn", "mlp")));
        expected.add(new FinishStep(0));
        assertEquals(expected, p.commands(ctx));
    }

    @Test
    void aTiedAdamStepCombinesTheHeadSkipsEmbedAndSyncsIt() {
        StepPlanner p = planner(ScheduleOrders.of(ParamTable.record()));
        List<WorkerCommand> expected = new ArrayList<>();
        expected.add(new CombineTied());
        for (String q : List.of("attn", "mlp", "scalars", "ve0", "ve1", "ve2", "smear_gate", "skip_gate", "attn_gate_bank",
                "ve_gate_bank", "x0_lambdas", "lm_head")) {
            expected.add(launch(q));
        }
        expected.addAll(updates(List.of("scalars", "smear_gate", "skip_gate", "attn_gate_bank", "ve_gate_bank",
                "x0_lambdas", "ve0", "ve1", "ve2", "lm_head", "attn", "mlp")));
        expected.add(new SyncTied());
        expected.add(new ClearGradients(ScheduleOrders.of(ParamTable.record()).paramOrder())); // embed's folded gradient is cleared too
        expected.add(new FinishStep(7));
        assertEquals(expected, p.commands(p.context(7, 1)));
    }

    @Test
    void theSplitStepUntiesAfterTheTiedUpdateAndLaterStepsTreatEmbedAsItsOwnParameter() {
        StepPlanner p = planner(ScheduleOrders.of(ParamTable.record()));
        List<WorkerCommand> split = p.commands(p.context(SPLIT, 1));
        int sync = split.indexOf(new SyncTied());
        assertTrue(sync > 0);
        assertEquals(new Untie(), split.get(sync + 1), "the untie follows the tied sync of the split step");
        assertFalse(split.contains(new RunUpdate("embed")));

        StepContext after = p.context(SPLIT + 2, 1);
        assertFalse(after.tied());
        List<WorkerCommand> c = p.commands(after);
        assertFalse(c.contains(new CombineTied()));
        assertFalse(c.contains(new SyncTied()));
        assertFalse(c.contains(new Untie()));
        assertTrue(c.indexOf(launch("embed")) > c.indexOf(launch("lm_head")), "embed reduces last, in param order");
        assertEquals(c.indexOf(new RunUpdate("embed")) + 1, c.indexOf(new Gather("embed")));
    }

    @Test
    void groupedCollectivesLaunchOnceAtTheirFirstMembersPlace() {
        ScheduleOrders rec = ScheduleOrders.of(ParamTable.record());
        StepPlanner p = planner(new ScheduleOrders(rec.paramOrder(), rec.workOrder(),
                List.of(List.of("skip_gate", "scalars", "smear_gate"))));
        List<WorkerCommand> c = p.commands(p.context(1, 1));
        LaunchCollective group = new LaunchCollective(List.of(new PlannedCollective("scalars", CommandKind.ALL_REDUCE),
                new PlannedCollective("smear_gate", CommandKind.ALL_REDUCE), new PlannedCollective("skip_gate", CommandKind.ALL_REDUCE)));
        assertEquals(group, c.get(3), "after CombineTied, attn and mlp comes the group, members in param order");
        assertEquals(launch("ve0"), c.get(4));
        assertEquals(1, c.stream().filter(x -> x instanceof LaunchCollective l
                && l.group().stream().anyMatch(g -> g.param().equals("smear_gate"))).count());
    }

    @Test
    void otherOrdersChangeOnlyTheOrder() {
        ScheduleOrders rec = ScheduleOrders.of(ParamTable.record());
        List<String> reversed = new ArrayList<>(rec.paramOrder());
        java.util.Collections.reverse(reversed);
        StepPlanner p = planner(new ScheduleOrders(reversed, rec.paramOrder(), List.of()));
        List<WorkerCommand> c = p.commands(p.context(SPLIT + 2, 1));
        assertEquals(launch("embed"), c.get(0));
        assertEquals(new RunUpdate("attn"), c.get(13));
    }

    @Test
    void invalidOrdersAndSchedulesAreRefusedWithTheReason() {
        ScheduleOrders rec = ScheduleOrders.of(ParamTable.record());
        List<String> missing = new ArrayList<>(rec.workOrder());
        missing.remove("ve1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> planner(new ScheduleOrders(rec.paramOrder(), missing, List.of())));
        assertTrue(e.getMessage().contains("work-order is missing [ve1]"), e.getMessage());
        List<String> unknown = new ArrayList<>(rec.paramOrder());
        unknown.set(0, "atn");
        e = assertThrows(IllegalArgumentException.class, () -> planner(new ScheduleOrders(unknown, rec.workOrder(), List.of())));
        assertTrue(e.getMessage().contains("unknown label atn"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> planner(new ScheduleOrders(rec.paramOrder(), rec.workOrder(),
                List.of(List.of("ve0", "ve1"), List.of("ve1")))));
        assertTrue(e.getMessage().contains("label ve1 is in two groups"), e.getMessage());
        ShardPlan plan = ShardPlan.of(ShardPlanTestLayouts.record(8), 8);
        e = assertThrows(IllegalArgumentException.class, () -> new StepPlanner(ParamTable.record(), rec, plan,
                StepSchedule.oddAdamSteps(1150)));
        assertTrue(e.getMessage().contains("split step 1150 must be an Adam step"), e.getMessage());
    }
}
