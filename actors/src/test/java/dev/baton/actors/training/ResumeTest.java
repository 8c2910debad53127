package dev.baton.actors.training;

import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.StopMode;
import dev.baton.actors.training.TinyRun.Outcome;
import dev.baton.runtime.checkpoint.CheckpointIndex;
import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.train.TrainingConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code baton train}'s resume contract through the actors ({@link TinyRun}: W = 2, a YaRN
 * transition, the untie and the extension steps on the way): a stop requested as step 1 ends
 * reaches the coordinator while step 2 runs (a message, as Ctrl-C's); step 2 has no Adam update, so
 * the run finishes step 3 too, checkpoints and stops; resumed, it reproduces the losses
 * (training and validation, as logged), the final weights and the final optimizer state of an
 * uninterrupted run bit for bit, and its loss log reads as the uninterrupted one. Resumed on one
 * device (the same slices as two micro-steps) it gives the same losses up to summation order.
 */
@Timeout(300)
class ResumeTest {
    @TempDir
    static Path dir;
    static ShardSet[] shards;
    static final TrainingConfig CONFIG = TinyRun.config(16, 7);
    static Outcome straight;
    static Outcome interrupted;

    @BeforeAll
    static void runStraightAndInterrupted() {
        shards = TinyRun.shards(dir, 11);
        straight = TinyRun.run(TinyRun.settings(2).withCheckpoints(dir.resolve("straight"), 2), CONFIG, shards,
                dir.resolve("straight.jsonl"));
        interrupted = TinyRun.run(TinyRun.settings(2).withCheckpoints(dir.resolve("interrupted"), 0), CONFIG, shards,
                dir.resolve("interrupted.jsonl"), (rank, work) -> work, s -> {
                    if (s.report().step() == 1) {
                        // as Ctrl-C would: processed once step 2 (no Adam) is under way
                        s.run().requestStop(StopMode.FINISH_STEP);
                    }
                });
    }

    @Test
    void aStopAfterAStepWithoutAdamFinishesTheNextStepAndCheckpoints() {
        assertEquals(RunResult.Status.COMPLETED, straight.result().status(), straight.result().message());
        assertEquals(8, straight.result().nextStep());
        RunResult r = interrupted.result();
        assertEquals(RunResult.Status.STOPPED, r.status(), r.message());
        assertEquals(4, r.nextStep(), "steps 0..3 done");
        assertTrue(interrupted.notices().stream().anyMatch(n -> n.contains("stopping after step 3 instead of 2")),
                interrupted.notices().toString());
        assertEquals(dir.resolve("interrupted/step-00000004"), r.lastCheckpoint());
        assertEquals(List.of(r.lastCheckpoint()), interrupted.checkpoints(), "checkpoint-every 0: only at the stop");
        assertEquals(4, CheckpointIndex.read(r.lastCheckpoint()).nextStep());
    }

    @Test
    void resumingReproducesTheUninterruptedRunBitForBit() throws IOException {
        Path log = dir.resolve("resumed.jsonl");
        Files.copy(dir.resolve("interrupted.jsonl"), log);
        Files.writeString(log, "{\"step\": 5, \"train_loss\": 9.9}\n", java.nio.file.StandardOpenOption.APPEND);
        Outcome resumed = TinyRun.run(TinyRun.settings(2).withCheckpoints(dir.resolve("resumed"), 0)
                .withResumeFrom(interrupted.result().lastCheckpoint()), CONFIG, shards, log);
        assertEquals(RunResult.Status.COMPLETED, resumed.result().status(), resumed.result().message());
        assertEquals(List.of(4L, 5L, 6L, 7L), List.copyOf(resumed.losses().keySet()));
        for (long s = 4; s < 8; s++) {
            assertEquals(straight.losses().get(s), resumed.losses().get(s), "training loss of step " + s + " bit for bit");
        }
        assertEquals(straight.evals().get(8L), resumed.evals().get(8L), "the final validation (extended window) bit for bit");
        for (Map.Entry<String, float[]> e : straight.weights().entrySet()) {
            assertArrayEquals(e.getValue(), resumed.weights().get(e.getKey()), e.getKey() + " bit for bit");
        }
        assertSameOptimizerState(dir.resolve("straight/step-00000008"), dir.resolve("resumed/step-00000008"));
        List<String> want = withoutTimes(dir.resolve("straight.jsonl"));
        assertEquals(9, want.size(), "steps 0..8");
        assertEquals(want, withoutTimes(log), "the resumed log (a stale line dropped) reads as the uninterrupted one");
    }

    @Test
    void resumingOnOneDeviceGivesTheSameLossesUpToSummationOrder() {
        Outcome one = TinyRun.run(TinyRun.settings(1).withResumeFrom(interrupted.result().lastCheckpoint()), CONFIG, shards,
                null);
        assertEquals(RunResult.Status.COMPLETED, one.result().status(), one.result().message());
        for (long s = 4; s < 8; s++) {
            double want = straight.losses().get(s);
            assertEquals(want, one.losses().get(s), 1e-5 * Math.abs(want), "step " + s + " at W = 1");
        }
        double val = straight.evals().get(8L).perToken();
        assertEquals(val, one.evals().get(8L).perToken(), 1e-5 * val, "final validation at W = 1");
        assertEquals(straight.evals().get(8L).tokens(), one.evals().get(8L).tokens());
    }

    /** Every tensor and scalar of every rank file equal. */
    static void assertSameOptimizerState(Path want, Path got) {
        for (int r = 0; r < CheckpointIndex.read(want).world(); r++) {
            try (SafeTensorsFile a = SafeTensorsFile.open(want.resolve(CheckpointIndex.optimFile(r)));
                 SafeTensorsFile b = SafeTensorsFile.open(got.resolve(CheckpointIndex.optimFile(r)))) {
                assertEquals(a.names(), b.names());
                for (String name : a.names()) {
                    assertArrayEquals(a.floats(name), b.floats(name), "rank " + r + " " + name);
                }
                assertEquals(a.metadata(), b.metadata(), "rank " + r + " scalars");
            }
        }
    }

    static List<String> withoutTimes(Path log) throws IOException {
        return Files.readAllLines(log).stream().map(l -> l.replaceAll(", \"elapsed_ms\": \\d+", "")).toList();
    }
}
