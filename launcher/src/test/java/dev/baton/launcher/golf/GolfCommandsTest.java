package dev.baton.launcher.golf;

import dev.baton.kernels.driver.CudaAvailability;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code baton export --golf} and {@code baton eval --metric bpb / --artifact} in-process on a
 * golf-tiny checkpoint over the demo corpus: the artifact is written and fits, its post-round-trip
 * score is the checkpoint's up to fp16 rounding, and user mistakes end in one line with exit code 2
 * (training on CUDA without a GPU among them).
 */
class GolfCommandsTest {
    @TempDir
    static Path work;
    private static Path weights;

    private static GolfTinyRun baton(String... args) {
        return GolfTinyRun.of(work, List.of(), args);
    }

    @BeforeAll
    static void checkpoint() {
        weights = GolfTinyCheckpoint.write(work, 3);
    }

    private static void assertOneLine(GolfTinyRun run, String fragment) {
        assertEquals(2, run.code(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains(fragment), "'" + fragment + "' in: " + run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void exportWritesAnArtifactWhoseRoundTripScoresAsTheCheckpoint() throws Exception {
        GolfTinyRun export = baton("export", "--golf", weights.getParent().toString(), "--codec", "xz",
                "--set", "baton.golf.ema-decay=0");
        assertEquals(0, export.code(), export.err());
        Path artifact = weights.getParent().resolve("model.int8.xz.ptz");
        assertTrue(Files.isRegularFile(artifact));
        assertTrue(export.out().contains("artifact (xz): " + String.format(java.util.Locale.ROOT, "%,d",
                Files.size(artifact)) + " bytes compressed weights"), export.out());
        assertTrue(export.out().contains("fits"), export.out());

        GolfTinyRun direct = baton("eval", "--metric", "bpb", "--checkpoint", weights.toString(), "--set", "baton.golf.ema-decay=0");
        assertEquals(0, direct.code(), direct.err());
        GolfTinyRun roundTrip = baton("eval", "--artifact", artifact.toString());
        assertEquals(0, roundTrip.code(), roundTrip.err());
        double before = direct.bpb("exact");
        double after = roundTrip.bpb("final_roundtrip_exact");
        // golf-tiny's tensors are all small: the artifact keeps them as fp16 (control tensors fp32)
        assertEquals(before, after, 1e-3 * before);
        assertTrue(roundTrip.out().contains("scored 1,024 tokens"), roundTrip.out());

        GolfTinyRun sliding = baton("eval", "--metric", "bpb", "--checkpoint", weights.toString(), "--stride", "32",
                "--set", "baton.golf.ema-decay=0");
        assertEquals(0, sliding.code(), sliding.err());
        assertTrue(sliding.out().contains("sliding windows of 128, stride 32"), sliding.out());
        assertTrue(sliding.out().contains("scored 1,024 tokens"), sliding.out());
    }

    @Test
    void mistakesEndInOneLineWithExitCode2() throws Exception {
        // golf-tiny evaluates the weight average, which this checkpoint does not hold
        assertOneLine(baton("eval", "--metric", "bpb", "--checkpoint", weights.toString()), "holds no weight average");
        assertOneLine(baton("eval", "--metric", "frob", "--checkpoint", weights.toString()), "--metric frob is not one of loss, bpb");
        assertOneLine(baton("eval", "--metric", "bpb"), "give a golf checkpoint");
        assertOneLine(baton("export", "--golf", work.resolve("missing").toString()), "no such file or folder");
        assertOneLine(baton("export", "--golf", weights.toString(), "--set", "baton.golf.ema-decay=0",
                "--set", "baton.golf.model.num-kv-heads=4"), "does not fit this golf model");
        Path broken = work.resolve("broken.ptz");
        GolfTinyRun export = baton("export", "--golf", weights.toString(), "--set", "baton.golf.ema-decay=0", "--out",
                broken.toString());
        assertEquals(0, export.code(), export.err());
        byte[] bytes = Files.readAllBytes(broken);
        Files.write(broken, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertOneLine(baton("eval", "--artifact", broken.toString()), "is unusable: it is truncated");
        assertOneLine(baton("export"), "Missing required option: '--golf=CHECKPOINT'");
        assertOneLine(baton("train", "--set", "baton.devices.kind=cuda", "--set", "baton.devices.count=2"),
                "golf trains on one GPU for now");
    }

    @Test
    void trainingOnCudaWithoutAGpuIsOneLineNamingTheFix() {
        assumeFalse(CudaAvailability.probe().available(), "this machine has a GPU: golf-tiny would train on it");
        assertOneLine(baton("train", "--set", "baton.devices.kind=cuda"), "there is no CUDA device");
        assertOneLine(baton("train", "--set", "baton.devices.kind=cuda"), "use --set baton.devices.kind=cpu");
    }
}
