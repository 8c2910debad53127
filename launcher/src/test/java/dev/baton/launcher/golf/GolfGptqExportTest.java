package dev.baton.launcher.golf;

import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.launcher.Baton;
import dev.baton.runtime.golf.GolfWeights;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private record Run(int code, String out, String err) {
    }

    private static Run baton(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--profile", "golf-tiny", "--set", "baton.run.work-dir=" + work,
                "--set", "baton.golf.eval.max-tokens=1025", "--set", "baton.golf.train.seq-len=128",
                "--set", "baton.golf.ema-decay=0", "--set", "baton.golf.gptq.calibration-batches=2",
                "--set", "baton.golf.gptq.keep-float-max-numel=4096"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void checkpoint() {
        GolfSettings golf = GolfSettings.of(ConfigLoader.fromClasspath().load(ConfigRequest.profile("golf-tiny")).settings());
        weights = work.resolve("ckpt").resolve(GolfWeights.WEIGHTS_FILE);
        try (CpuOps ops = new CpuOps(2); ParamSet params = GolfParams.create(ops, golf.model(), 5)) {
            Random r = new Random(5);
            for (Param p : params.all()) {
                float[] v = ops.download(p.value());
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (r.nextGaussian() * 0.05);
                }
                ops.write(p.value(), v);
            }
            GolfWeights.save(weights, ops, params, null, Map.of());
        }
    }

    private static double bpb(String out, String label) {
        Matcher m = Pattern.compile(label + " val_loss:[0-9.]+ val_bpb:([0-9.]+)").matcher(out);
        assertTrue(m.find(), label + " in:\n" + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void gptqInt6ExportRoundTripsThroughEvalAndIsSmallerThanInt8() throws Exception {
        Run int6 = baton("export", "--golf", weights.getParent().toString(), "--codec", "xz", "--quant", "gptq-int6",
                "--set", "baton.golf.gptq.pack-int6=true");
        assertEquals(0, int6.code(), int6.err());
        Path artifact = weights.getParent().resolve("model.int6.xz.ptz");
        assertTrue(Files.isRegularFile(artifact), int6.out());
        // 4 blocks x 6 matrices are int6; tok_emb (260 x 128) is int8
        assertTrue(int6.out().contains("24 int6 per row (bit-packed), 1 int8 per row"), int6.out());
        assertTrue(int6.out().contains("GPTQ calibration: 2 batches of 4,096 training tokens"), int6.out());
        assertTrue(int6.out().contains("artifact (xz): " + String.format(Locale.ROOT, "%,d", Files.size(artifact))
                + " bytes compressed weights"), int6.out());

        Run int8 = baton("export", "--golf", weights.getParent().toString(), "--codec", "xz");
        assertEquals(0, int8.code(), int8.err());
        Path int8File = weights.getParent().resolve("model.int8.xz.ptz");
        System.out.printf(Locale.ROOT, "golf-tiny checkpoint (random weights): int8 export %,d B, gptq-int6 %,d B (xz)%n",
                Files.size(int8File), Files.size(artifact));
        assertTrue(Files.size(artifact) < Files.size(int8File), "int6 " + Files.size(artifact) + " int8 " + Files.size(int8File));

        Run direct = baton("eval", "--metric", "bpb", "--checkpoint", weights.toString());
        Run roundTrip = baton("eval", "--artifact", artifact.toString());
        assertEquals(0, roundTrip.code(), roundTrip.err());
        double before = bpb(direct.out(), "exact");
        double after = bpb(roundTrip.out(), "final_roundtrip_exact");
        assertEquals(before, after, 0.02 * before, "int6 costs little");
    }

    @Test
    void mistakesInTheQuantKeysEndInOneLine() {
        Run bad = baton("export", "--golf", weights.toString(), "--quant", "int4");
        assertEquals(2, bad.code(), bad.err());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().contains("--quant int4 is not one of int8, gptq-int6"), bad.err());
        assertFalse(bad.err().contains("Exception"), bad.err());
        Run bits = baton("export", "--golf", weights.toString(), "--set", "baton.golf.gptq.matrix-bits=5");
        assertEquals(2, bits.code(), bits.err());
        assertTrue(bits.err().contains("baton.golf.gptq.matrix-bits = 5 must be 6 or 8"), bits.err());
    }
}
