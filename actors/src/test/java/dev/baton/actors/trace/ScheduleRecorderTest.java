package dev.baton.actors.trace;

import dev.baton.actors.json.Json;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInRun;
import dev.baton.actors.stream.CommandKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ScheduleRecorderTest {
    /**
     * Commands per rank of the stand-in at W = 2 (12 micro-steps per step), counted by hand from the plan:
     * step 0 (tied, no Adam): compute 12 forward_backward + 2 updates + clear + loss = 16, comm 2 reduce-scatters + 2 gathers = 4;
     * step 1 (tied, Adam): compute 12 + combine + 5 updates + sync + clear + loss = 21, comm 5 launches + 4 gathers = 9;
     * step 5 (split): step 1 plus untie_pack and untie_apply on compute and one grouped all-gather on comm = 33.
     */
    static final Map<Long, Integer> COMMANDS_PER_RANK = Map.of(0L, 20, 1L, 30, 4L, 20, 5L, 33);

    @Test
    void eachTracedStepIsAValidChromeTraceWithOneEventPerCommandAndASchedule(@TempDir Path dir) throws Exception {
        RunResult r = StandInRun.run(RunSettings.defaults(2, 6).withTrace(dir, 1, 0), StandInConfig.small()).result();
        assertEquals(RunResult.Status.COMPLETED, r.status(), r.message());
        for (long step = 0; step < 6; step++) {
            assertTrue(Files.exists(dir.resolve(StepTraceWriter.traceName(step))), "trace of step " + step);
            assertTrue(Files.exists(dir.resolve(StepTraceWriter.scheduleName(step))), "schedule of step " + step);
        }
        for (Map.Entry<Long, Integer> e : COMMANDS_PER_RANK.entrySet()) {
            long step = e.getKey();
            Map<String, Object> trace = Json.parseObject(Files.readString(dir.resolve(StepTraceWriter.traceName(step)),
                    StandardCharsets.UTF_8));
            List<Map<String, Object>> complete = new ArrayList<>();
            int meta = 0;
            for (Object o : (List<?>) trace.get("traceEvents")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> ev = (Map<String, Object>) o;
                if ("X".equals(ev.get("ph"))) {
                    complete.add(ev);
                } else {
                    assertEquals("M", ev.get("ph"));
                    meta++;
                }
            }
            assertEquals(2 * e.getValue(), complete.size(), "one complete event per command at step " + step);
            assertEquals(2 + 4, meta, "process names of 2 workers and thread names of their 2 streams");
            assertNoOverlapPerStream(complete, step);
            ScheduleFile schedule = ScheduleFile.read(dir.resolve(StepTraceWriter.scheduleName(step)));
            assertEquals(complete.size(), schedule.commands().size());
            assertEquals(Long.toString(step), schedule.header().get("step"));
            assertEquals("2", schedule.header().get("world"));
            assertEquals("wide,bank,rep,rows,lm_head,embed", schedule.header().get("param_order"));
            assertScheduleIsConsistent(schedule);
        }
    }

    private static void assertNoOverlapPerStream(List<Map<String, Object>> events, long step) {
        Map<String, List<Map<String, Object>>> lanes = new HashMap<>();
        for (Map<String, Object> ev : events) {
            lanes.computeIfAbsent(ev.get("pid") + "/" + ev.get("tid"), k -> new ArrayList<>()).add(ev);
        }
        assertEquals(4, lanes.size(), "2 workers x 2 streams");
        for (List<Map<String, Object>> lane : lanes.values()) {
            lane.sort(Comparator.comparingDouble(ev -> ((Number) ev.get("ts")).doubleValue()));
            for (int i = 1; i < lane.size(); i++) {
                double prevEnd = ((Number) lane.get(i - 1).get("ts")).doubleValue() + ((Number) lane.get(i - 1).get("dur")).doubleValue();
                double start = ((Number) lane.get(i).get("ts")).doubleValue();
                assertTrue(start >= prevEnd - 1e-6, "step " + step + ": " + lane.get(i).get("name") + " starts at " + start
                        + " before " + lane.get(i - 1).get("name") + " ends at " + prevEnd);
                assertTrue(((Number) lane.get(i).get("dur")).doubleValue() >= 0);
            }
        }
    }

    private static void assertScheduleIsConsistent(ScheduleFile s) {
        Set<String> ids = new HashSet<>();
        Map<Long, Integer> collectiveRanks = new HashMap<>();
        for (ScheduleFile.Entry e : s.commands()) {
            ids.add(e.rank() + "/" + e.stream() + "#" + e.seq());
            assertTrue(e.enqueueMicros() <= e.startMicros() && e.startMicros() <= e.endMicros(), e.toString());
            if (e.kind().communication()) {
                collectiveRanks.merge(e.collective(), 1, Integer::sum);
                assertTrue(e.collective() >= 0);
            } else {
                assertEquals(-1, e.collective());
                assertEquals(0, e.bytes());
            }
            if (e.kind() == CommandKind.REDUCE_SCATTER) {
                assertTrue(e.bytes() > 0, "a reduce-scatter over 2 ranks moves bytes");
            }
        }
        for (ScheduleFile.Entry e : s.commands()) {
            for (String w : e.waits()) {
                String[] parts = w.split("#");
                long seq = Long.parseLong(parts[1]);
                assertTrue(seq < 0 || ids.contains(e.rank() + "/" + parts[0] + "#" + seq) || seq < firstSeq(s, e.rank(), parts[0]),
                        "wait " + w + " of " + e + " refers to a command of this or an earlier step");
            }
        }
        collectiveRanks.values().forEach(n -> assertEquals(2, n, "each collective appears once on each rank"));
        assertFalse(collectiveRanks.isEmpty());
    }

    private static long firstSeq(ScheduleFile s, int rank, String stream) {
        return s.commands().stream().filter(e -> e.rank() == rank && e.stream().equals(stream))
                .mapToLong(ScheduleFile.Entry::seq).min().orElse(Long.MAX_VALUE);
    }

    @Test
    void theScheduleFileRoundTrips(@TempDir Path dir) throws Exception {
        ScheduleFile f = new ScheduleFile(Map.of("step", "3", "world", "2"), List.of(
                new ScheduleFile.Entry(0, "compute", 0, CommandKind.FORWARD_BACKWARD, "", 0, -1, 0.0, 1.5, 10.25, List.of()),
                new ScheduleFile.Entry(0, "comm", 0, CommandKind.REDUCE_SCATTER, "attn", 4096, 0, 0.5, 10.5, 20.0,
                        List.of("compute#0"))));
        Path p = dir.resolve("s.txt");
        f.write(p);
        ScheduleFile back = ScheduleFile.read(p);
        assertEquals(f.commands(), back.commands());
        assertEquals(f.header(), back.header());
        Files.writeString(p, "not a schedule\n");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ScheduleFile.read(p));
        assertTrue(e.getMessage().contains("is not a Baton schedule file"));
    }
}
