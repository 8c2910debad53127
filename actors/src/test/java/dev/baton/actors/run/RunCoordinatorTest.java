package dev.baton.actors.run;

import dev.baton.runtime.checkpoint.CheckpointIndex;
import dev.baton.runtime.checkpoint.CheckpointStore;
import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInFactory;
import dev.baton.actors.standin.StandInRun;
import dev.baton.actors.standin.StandInRun.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole runtime on the stand-in workload: numbers across world sizes, orders, delays; failure, stop, resume. */
@Timeout(60)
class RunCoordinatorTest {
    static final StandInConfig SMALL = StandInConfig.small();
    static final double LOSS_REL = 1e-6;
    static final float WEIGHT_ABS = 2e-5f;

    private static Outcome run(RunSettings s) {
        return run(s, SMALL);
    }

    private static Outcome run(RunSettings s, StandInConfig c) {
        Outcome o = StandInRun.run(s, c);
        assertEquals(RunResult.Status.COMPLETED, o.result().status(), o.result().message());
        return o;
    }

    private static void assertClose(Outcome expected, Outcome actual, long fromStep, String what) {
        for (Map.Entry<Long, Double> e : expected.losses().entrySet()) {
            if (e.getKey() < fromStep) {
                continue;
            }
            double a = actual.losses().get(e.getKey());
            assertEquals(e.getValue(), a, Math.abs(e.getValue()) * LOSS_REL, what + ": loss of step " + e.getKey());
        }
        for (String p : expected.weights().keySet()) {
            assertArrayEquals(expected.weights().get(p), actual.weights().get(p), WEIGHT_ABS, what + ": weights of " + p);
        }
    }

    private static void assertIdentical(Outcome expected, Outcome actual, String what) {
        assertEquals(expected.losses(), actual.losses(), what + ": losses bit for bit");
        for (String p : expected.weights().keySet()) {
            assertArrayEquals(expected.weights().get(p), actual.weights().get(p), what + ": weights of " + p + " bit for bit");
        }
    }

    @Test
    void everyWorldSizeGivesTheNumbersOfOneDevice() {
        Outcome one = run(RunSettings.defaults(1, 12).withEval(0, true));
        assertEquals(12, one.losses().size());
        assertTrue(one.losses().get(11L) < one.losses().get(0L) * 0.9, "the stand-in learns: " + one.losses());
        float[] head = one.weights().get("lm_head");
        float[] embed = one.weights().get("embed");
        int differ = 0;
        for (int r = 0; r < SMALL.dim(); r++) {
            for (int c = 0; c < SMALL.vocab(); c++) {
                differ += head[r * SMALL.vocab() + c] != embed[c * SMALL.dim() + r] ? 1 : 0;
            }
        }
        assertTrue(differ > 10, "after the untie at step 5 embed and lm_head^T move apart: " + differ + " differ");
        for (int w : new int[] {2, 3, 4, 8}) {
            Outcome o = run(RunSettings.defaults(w, 12).withEval(0, true));
            assertClose(one, o, 0, "W=" + w);
            assertEquals(one.evals().get(0).perToken(), o.evals().get(0).perToken(), 1e-6 * one.evals().get(0).perToken(),
                    "evaluation at W=" + w);
            assertEquals(one.evals().get(0).tokens(), o.evals().get(0).tokens());
        }
    }

    @Test
    void eachWorkerHasAThreadOfItsOwnAndComputesOnItsComputeStream() {
        Outcome o = run(RunSettings.defaults(3, 2));
        java.util.Set<String> workerThreads = new java.util.HashSet<>();
        for (int r = 0; r < 3; r++) {
            List<String> t = o.factory().work(r).threads();
            assertTrue(t.get(0).contains("baton-worker-dispatcher"), "rank " + r + " created on " + t.get(0));
            workerThreads.add(t.get(0));
            assertEquals("baton-cpu-" + r + "-compute", t.get(1));
        }
        assertEquals(3, workerThreads.size(), "a pinned thread per worker");
    }

    @Test
    void periodicEvaluationScoresTheInitialModelEveryNStepsAndTheEnd() {
        Outcome o = run(RunSettings.defaults(2, 7).withEval(3, true));
        assertEquals(4, o.evals().size(), "after 0, 3, 6 and 7 steps");
        assertTrue(o.evals().get(3).perToken() < o.evals().get(0).perToken(), "validation improves: " + o.evals());
        assertEquals(24 * 16, o.evals().get(0).tokens());
    }

    @Test
    void otherParamOrdersWorkOrdersAndGroupsGiveTheSameNumbersBitForBit() {
        Outcome base = run(RunSettings.defaults(4, 8));
        List<String> names = new ArrayList<>(StandInFactory.labels());
        List<String> paramOrder = new ArrayList<>(names);
        Collections.reverse(paramOrder);
        List<String> workOrder = new ArrayList<>(names);
        Collections.shuffle(workOrder, new Random(7));
        ScheduleOrders other = new ScheduleOrders(paramOrder, workOrder, List.of(List.of("rep", "rows"), List.of("wide", "lm_head")));
        assertIdentical(base, run(RunSettings.defaults(4, 8).withOrders(other)), "reordered");
    }

    @Test
    void randomDelaysInStreamsAndCollectivesChangeNothingAndNeverDeadlock() {
        RunSettings s = RunSettings.defaults(4, 8).withLink(LinkModel.of(Duration.ofNanos(20_000), 0))
                .withTimeouts(Duration.ofSeconds(20), Duration.ofSeconds(10));
        Outcome base = run(s);
        for (long seed = 1; seed <= 3; seed++) {
            assertIdentical(base, run(s.withDelays(seed, Duration.ofNanos(150_000))), "delay seed " + seed);
        }
    }

    @Test
    void aCrashingWorkerEndsTheRunNamingDeviceAndCauseAndTheLastCheckpointStaysIntact(@TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        Outcome o = StandInRun.run(RunSettings.defaults(4, 12).withCheckpoints(dir, 4), SMALL.failingAt(6, 2));
        double seconds = (System.nanoTime() - t0) / 1e9;
        RunResult r = o.result();
        assertEquals(RunResult.Status.FAILED, r.status());
        assertTrue(r.message().contains("cpu:2") && r.message().contains("rank 2") && r.message().contains("step 6")
                && r.message().contains("forward_backward") && r.message().contains("injected fault"), r.message());
        assertTrue(seconds < 10, "the failure ended the run in " + seconds + " s");
        assertEquals(6, r.nextStep());
        Path last = dir.resolve("step-00000004");
        assertEquals(last, r.lastCheckpoint());
        assertEquals("step-00000004", Files.readString(dir.resolve(CheckpointStore.LATEST), StandardCharsets.UTF_8).trim());
        assertEquals(List.of(last), new CheckpointStore(dir, 0).complete(), "no half-written checkpoint is visible");
        assertEquals(4, CheckpointIndex.read(last).nextStep());
        Outcome resumed = run(RunSettings.defaults(4, 8).withResumeFrom(last));
        assertEquals(List.of(4L, 5L, 6L, 7L), new ArrayList<>(resumed.losses().keySet()), "the kept checkpoint resumes");
    }

    @Test
    void aCheckpointWrittenAtFourDevicesResumesAtTwoAndThreeToTheSameNumbers(@TempDir Path dir) {
        Outcome four = run(RunSettings.defaults(4, 8).withCheckpoints(dir, 4));
        assertEquals(List.of(dir.resolve("step-00000004"), dir.resolve("step-00000008")), four.checkpoints());
        Outcome fullTwo = run(RunSettings.defaults(2, 12));
        Outcome fullFour = run(RunSettings.defaults(4, 12));

        Outcome two = run(RunSettings.defaults(2, 12).withResumeFrom(dir.resolve("step-00000004")));
        assertEquals(8, two.losses().size());
        assertClose(fullTwo, two, 4, "W=4 -> W=2 at step 4");
        Outcome three = run(RunSettings.defaults(3, 12).withResumeFrom(dir.resolve("step-00000008")));
        assertClose(fullTwo, three, 8, "W=4 -> W=3 at step 8 (after the untie)");
        Outcome again = run(RunSettings.defaults(4, 12).withResumeFrom(dir.resolve("step-00000004")));
        for (long s = 4; s < 12; s++) {
            assertEquals(fullFour.losses().get(s), again.losses().get(s), "same W resumes bit for bit at step " + s);
        }
        for (String p : fullFour.weights().keySet()) {
            assertArrayEquals(fullFour.weights().get(p), again.weights().get(p), p);
        }
    }

    @Test
    void aStopRequestFinishesTheStepInFlightAndStopsAfterAnAdamStepWithACheckpoint(@TempDir Path dir) {
        Outcome o = StandInRun.run(RunSettings.defaults(2, 100_000).withCheckpoints(dir, 0),
                SMALL.withCosts(1_000_000, 0), live -> {
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (live.reports().size() < 4 && System.nanoTime() < deadline) {
                        sleepMillis(5);
                    }
                    live.run().requestStop(StopMode.FINISH_STEP);
                });
        RunResult r = o.result();
        assertEquals(RunResult.Status.STOPPED, r.status(), r.message());
        assertTrue(r.nextStep() >= 4 && r.nextStep() < 100_000);
        assertEquals(o.losses().size(), r.nextStep(), "every started step finished");
        assertTrue(r.message().contains("stopped on request after step " + (r.nextStep() - 1)), r.message());
        assertEquals(1, (r.nextStep() - 1) % 2, "the last step was an Adam step (no gradient left accumulating)");
        assertEquals(dir.resolve(CheckpointStore.folderName(r.nextStep())), r.lastCheckpoint(), "a checkpoint at the stop");
        assertEquals(r.nextStep(), CheckpointIndex.read(r.lastCheckpoint()).nextStep());
        assertTrue(o.notices().stream().allMatch(n -> n.contains("stopping after step " + (r.nextStep() - 1) + " instead of "
                + (r.nextStep() - 2))), "a stop after a step without Adam runs one more: " + o.notices());
    }

    @Test
    void abandoningStopsAtOnceAndWritesNothing(@TempDir Path dir) {
        long t0 = System.nanoTime();
        Outcome o = StandInRun.run(RunSettings.defaults(2, 100_000).withCheckpoints(dir, 0),
                SMALL.withCosts(200_000_000, 0), live -> {
                    sleepMillis(100);
                    live.run().requestStop(StopMode.ABANDON);
                });
        assertEquals(RunResult.Status.STOPPED, o.result().status());
        assertTrue(o.result().message().contains("abandoned"), o.result().message());
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "abandon does not wait for the 200 ms forward");
        assertNull(o.result().lastCheckpoint());
        assertTrue(!Files.exists(dir.resolve(CheckpointStore.LATEST)));
    }

    @Test
    void aStepThatTakesTooLongTimesOutNamingTheSilentDevices() {
        long t0 = System.nanoTime();
        Outcome o = StandInRun.run(RunSettings.defaults(2, 3).withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(5)),
                SMALL.withCosts(3_000_000_000L, 0));
        assertEquals(RunResult.Status.FAILED, o.result().status());
        assertTrue(o.result().message().contains("step 0 timed out after 300 ms: no answer from [cpu:0, cpu:1]"),
                o.result().message());
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "the timeout is enforced");
    }

    @Test
    void userErrorsEndWithOneClearMessage(@TempDir Path dir) throws Exception {
        RunResult badWorld = StandInRun.run(RunSettings.defaults(5, 3), SMALL).result();
        assertEquals(RunResult.Status.FAILED, badWorld.status());
        assertTrue(badWorld.message().contains("24 sequences does not split over 5 devices"), badWorld.message());

        List<String> names = StandInFactory.labels();
        RunResult badOrder = StandInRun.run(RunSettings.defaults(2, 3).withOrders(
                new ScheduleOrders(names, names.subList(1, names.size()), List.of())), SMALL).result();
        assertEquals(RunResult.Status.REFUSED, badOrder.status(), "refused before any worker started");
        assertTrue(badOrder.message().contains("work-order is missing [wide]"), badOrder.message());

        RunResult noCheckpoint = StandInRun.run(RunSettings.defaults(2, 3).withResumeFrom(dir.resolve("step-00000042")), SMALL)
                .result();
        assertEquals(RunResult.Status.REFUSED, noCheckpoint.status());
        assertTrue(noCheckpoint.message().contains("checkpoint " + dir.resolve("step-00000042") + " does not exist"),
                noCheckpoint.message());
        Files.createDirectories(dir.resolve("step-00000044"));
        RunResult partial = StandInRun.run(RunSettings.defaults(2, 3).withResumeFrom(dir.resolve("step-00000044")), SMALL)
                .result();
        assertTrue(partial.message().contains("step-00000044 is not a complete checkpoint"), partial.message());
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
