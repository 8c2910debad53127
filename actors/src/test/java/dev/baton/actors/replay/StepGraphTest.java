package dev.baton.actors.replay;

import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInRun;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.trace.ScheduleFile;
import dev.baton.actors.trace.StepTraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay's model of the step must be the runtime's: the graph rebuilt from a recorded step's
 * shape and orders lists, on every rank and stream, the same commands with the same parameters,
 * bytes, launch numbers and waits as the recording, for the stand-in's NorMuon-only, tied Adam,
 * split (untie) and untied Adam steps, with the table's orders and with other orders and groups.
 */
@Timeout(60)
class StepGraphTest {
    @Test
    void theRebuiltGraphIsTheRecordedOneForEveryKindOfStep(@TempDir Path dir) throws Exception {
        record(dir, null);
        for (long step : List.of(0L, 1L, 5L, 6L, 7L)) {
            assertSameCommands(ScheduleFile.read(dir.resolve(StepTraceWriter.scheduleName(step))));
        }
        StepShape split = StepShape.of(ScheduleFile.read(dir.resolve(StepTraceWriter.scheduleName(5))));
        assertNotNull(split.untie());
        assertEquals("lm_head", split.combineTied());
        assertEquals("embed", split.syncTied());
        assertEquals(12, split.microSteps());
        StepShape untied = StepShape.of(ScheduleFile.read(dir.resolve(StepTraceWriter.scheduleName(7))));
        assertNull(untied.combineTied());
        assertEquals(List.of("wide", "bank", "rep", "rows", "lm_head", "embed"), untied.activeLabels());
        assertEquals(2, StepShape.of(ScheduleFile.read(dir.resolve(StepTraceWriter.scheduleName(6)))).activeLabels().size());
    }

    @Test
    void otherOrdersAndGroupsAreRebuiltAsTheRuntimeRanThem(@TempDir Path dir) throws Exception {
        ScheduleOrders orders = new ScheduleOrders(List.of("lm_head", "rows", "embed", "rep", "bank", "wide"),
                List.of("embed", "rep", "wide", "lm_head", "bank", "rows"), List.of(List.of("rows", "rep"), List.of("bank", "wide")));
        record(dir, orders);
        for (long step : List.of(1L, 5L, 6L, 7L)) {
            ScheduleFile f = ScheduleFile.read(dir.resolve(StepTraceWriter.scheduleName(step)));
            assertEquals("rows+rep,bank+wide", f.header().get("groups"));
            assertSameCommands(f);
        }
        // the grouped launch's bytes are split back into its members: rows by its all-gather, rep the rest
        StepShape s = StepShape.of(ScheduleFile.read(dir.resolve(StepTraceWriter.scheduleName(7))));
        long rowsBytes = s.traffic("rows").reduceBytes();
        assertEquals(s.traffic("rows").gatherBytes(), rowsBytes);
        assertTrue(s.traffic("rep").reduceBytes() > 0);
        assertEquals(CommandKind.ALL_REDUCE, s.traffic("rep").reduction());
    }

    @Test
    void anOrderThatLeavesOutAnActiveLabelIsRefusedByName() {
        StepShape shape = StepShape.of(StepSimulatorTest.recorded());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StepGraph.build(shape, new ScheduleOrders(List.of("a"), List.of("a", "b"), List.of())));
        assertTrue(e.getMessage().contains("param order does not name [b]"), e.getMessage());
    }

    private static void record(Path dir, ScheduleOrders orders) {
        RunSettings s = RunSettings.defaults(2, 8).withTrace(dir, 1, 0);
        if (orders != null) {
            s = s.withOrders(orders);
        }
        RunResult r = StandInRun.run(s, StandInConfig.small()).result();
        assertEquals(RunResult.Status.COMPLETED, r.status(), r.message());
    }

    private static void assertSameCommands(ScheduleFile file) {
        Timeline recorded = Timeline.of(file);
        StepShape shape = StepShape.of(file);
        StepGraph graph = StepGraph.build(shape, shape.orders());
        for (int r = 0; r < recorded.world(); r++) {
            for (String stream : List.of("compute", "comm")) {
                List<TimedCommand> lane = recorded.lane(r, stream);
                List<PlannedCommand> planned = graph.stream(stream);
                assertEquals(lane.size(), planned.size(), "step " + shape.step() + " rank " + r + " " + stream);
                for (int i = 0; i < lane.size(); i++) {
                    TimedCommand c = lane.get(i);
                    PlannedCommand p = planned.get(i);
                    String where = "step " + shape.step() + " rank " + r + " " + stream + "#" + i;
                    assertEquals(c.kind(), p.kind(), where);
                    assertEquals(c.param(), p.param(), where);
                    assertEquals(c.bytes(), p.bytes(), where);
                    assertEquals(c.collective(), p.collective(), where);
                    assertEquals(c.waits(), p.waits(), where);
                }
            }
        }
    }
}
