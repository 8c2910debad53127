package dev.baton.runtime.train;

import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.optim.StateTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stopped after step 3 and resumed from its checkpoint in a new device reproduces the losses
 * (training and validation, every step, as logged) and the final weights and optimizer state of
 * an uninterrupted run bit for bit, across a YaRN transition, the untie and the extension steps.
 */
class ResumeTest {
    @Test
    void stopAndResumeEqualsAnUninterruptedRun(@TempDir Path dir) throws IOException {
        ShardSet[] shards = TinyRun.shards(dir, 11);
        TrainingConfig config = TinyRun.config(16, 7);

        RunPolicy straight = TinyRun.policy(dir.resolve("straight"), 2);
        TrainingState expected;
        try (SingleDeviceExecutor exec = TinyRun.device(config)) {
            TrainingOutcome o = loop(config, straight, exec, shards, TrainingListener.NONE, new StopRequest()).run(null);
            assertEquals(TrainingOutcome.Status.COMPLETED, o.status());
            assertEquals(8, o.stepsDone());
            expected = exec.exportState();
        }

        RunPolicy interrupted = TinyRun.policy(dir.resolve("interrupted"), 0);
        StopRequest stop = new StopRequest();
        List<String> notices = new ArrayList<>();
        TrainingListener stopAfter3 = new TrainingListener() {
            @Override
            public void stepDone(StepRecord r) {
                if (r.step() == 3) {
                    stop.request();   // as Ctrl-C would, after an even (non-Adam) step
                }
            }

            @Override
            public void notice(String message) {
                notices.add(message);
            }
        };
        Path checkpoint;
        try (SingleDeviceExecutor exec = TinyRun.device(config)) {
            TrainingOutcome o = loop(config, interrupted, exec, shards, stopAfter3, stop).run(null);
            assertEquals(TrainingOutcome.Status.STOPPED, o.stepsDone() == 4 ? o.status() : null, "stops after step 4");
            assertTrue(notices.stream().anyMatch(n -> n.contains("stopping after step 4 instead of 3")), notices.toString());
            checkpoint = o.lastCheckpoint();
            assertNotNull(checkpoint);
        }
        TrainingCheckpoint.Loaded loaded = TrainingCheckpoint.read(checkpoint, config.table());
        assertEquals(4, loaded.index().nextStep());
        assertEquals(2, loaded.index().yarn().applied().size(), "3 -> 7 before step 2, 7 -> 11 before step 4");
        try (SingleDeviceExecutor exec = TinyRun.device(config)) {
            TrainingOutcome o = loop(config, interrupted, exec, shards, TrainingListener.NONE, new StopRequest()).run(loaded);
            assertEquals(TrainingOutcome.Status.COMPLETED, o.status());
            TrainingState resumed = exec.exportState();
            for (var e : expected.weights().entrySet()) {
                assertArrayEquals(e.getValue().values(), resumed.weights().get(e.getKey()).values(), e.getKey());
            }
            for (Map.Entry<String, StateTensor> e : expected.optimizer().entrySet()) {
                StateTensor got = resumed.optimizer().get(e.getKey());
                if (e.getValue().floats() != null) {
                    assertArrayEquals(e.getValue().floats(), got.floats(), e.getKey());
                } else {
                    assertArrayEquals(e.getValue().ints(), got.ints(), e.getKey());
                }
            }
        }
        List<String> want = withoutTimes(straight.logFile());
        assertEquals(9, want.size(), "steps 0..8");
        assertEquals(want, withoutTimes(interrupted.logFile()), "the resumed log reads as the uninterrupted one");
    }

    static TrainingLoop loop(TrainingConfig config, RunPolicy policy, StepExecutor exec, ShardSet[] shards,
                             TrainingListener listener, StopRequest stop) {
        return new TrainingLoop(config, policy, exec, shards[0], shards[1], TinyRun.loader(), listener, stop, null);
    }

    /** The log's lines without the wall-clock field. */
    static List<String> withoutTimes(Path log) throws IOException {
        return Files.readAllLines(log).stream().map(l -> l.replaceAll(", \"elapsed_ms\": \\d+", "")).toList();
    }
}
