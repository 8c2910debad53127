package dev.baton.launcher.golf;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code baton export --golf --quant gptq-int6} on a golf-tiny checkpoint: GPTQ calibrates on the
 * demo training shards, writes a version-2 artifact that {@code baton eval --artifact} scores close
 * to the checkpoint, smaller than the int8 export of the same checkpoint; mistakes in the new keys
 * end in one line.
 */
class GolfGptqExportTest {
    @TempDir
    static Path work;
    private static Path weights;

    private static GolfTinyRun baton(String... args) {
        return GolfTinyRun.of(work, List.of("--set", "baton.golf.ema-decay=0",
                "--set", "baton.golf.gptq.calibration-batches=2",
                "--set", "baton.golf.gptq.keep-float-max-numel=4096"), args);
    }

    @BeforeAll
    static void checkpoint() {
        weights = GolfTinyCheckpoint.write(work, 5);
    }

    @Test
    void gptqInt6ExportRoundTripsThroughEvalAndIsSmallerThanInt8() throws Exception {
        GolfTinyRun int6 = baton("export", "--golf", weights.getParent().toString(), "--codec", "xz",
                "--quant", "gptq-int6", "--set", "baton.golf.gptq.pack-int6=true");
        assertEquals(0, int6.code(), int6.err());
        Path artifact = weights.getParent().resolve("model.int6.xz.ptz");
        assertTrue(Files.isRegularFile(artifact), int6.out());
        // 4 blocks x 6 matrices are int6; tok_emb (260 x 128) is int8
        assertTrue(int6.out().contains("24 int6 per row (bit-packed), 1 int8 per row"), int6.out());
        assertTrue(int6.out().contains("GPTQ calibration: 2 batches of 4,096 training tokens"), int6.out());
        assertTrue(int6.out().contains("artifact (xz): " + String.format(Locale.ROOT, "%,d", Files.size(artifact))
                + " bytes compressed weights"), int6.out());

        GolfTinyRun int8 = baton("export", "--golf", weights.getParent().toString(), "--codec", "xz");
        assertEquals(0, int8.code(), int8.err());
        Path int8File = weights.getParent().resolve("model.int8.xz.ptz");
        System.out.printf(Locale.ROOT, "golf-tiny checkpoint (random weights): int8 export %,d B, gptq-int6 %,d B (xz)%n",
                Files.size(int8File), Files.size(artifact));
        assertTrue(Files.size(artifact) < Files.size(int8File), "int6 " + Files.size(artifact) + " int8 " + Files.size(int8File));

        GolfTinyRun direct = baton("eval", "--metric", "bpb", "--checkpoint", weights.toString());
        GolfTinyRun roundTrip = baton("eval", "--artifact", artifact.toString());
        assertEquals(0, roundTrip.code(), roundTrip.err());
        double before = direct.bpb("exact");
        double after = roundTrip.bpb("final_roundtrip_exact");
        assertEquals(before, after, 0.02 * before, "int6 costs little");
    }

    @Test
    void mistakesInTheQuantKeysEndInOneLine() {
        GolfTinyRun bad = baton("export", "--golf", weights.toString(), "--quant", "int4");
        assertEquals(2, bad.code(), bad.err());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().contains("--quant int4 is not one of int8, gptq-int6"), bad.err());
        assertFalse(bad.err().contains("Exception"), bad.err());
        GolfTinyRun bits = baton("export", "--golf", weights.toString(), "--set", "baton.golf.gptq.matrix-bits=5");
        assertEquals(2, bits.code(), bits.err());
        assertTrue(bits.err().contains("baton.golf.gptq.matrix-bits = 5 must be 6 or 8"), bits.err());
    }
}
