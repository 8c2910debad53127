package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;
import dev.baton.kernels.bench.SweepCollective;
import dev.baton.kernels.bench.SweepFile;
import dev.baton.kernels.bench.SweepPoint;
import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NCCL sweep's writer (kernels) and replay's reader agree: a synthetic sweep written by
 * {@link SweepFile} reads back point for point through {@link CollectiveSweep}, and replay's fit
 * over it recovers the latency and bandwidth the points were made with.
 */
class NcclSweepFileTest {
    private static final double LATENCY_US = 12.5;
    private static final double GB_PER_S = 150.0; // per-rank ring bytes per µs = 150e3

    /** A launch moving the ring bytes of a {@code bytes} buffer at the synthetic link. */
    private static SweepPoint point(SweepCollective kind, DType type, int world, long bytes) {
        CommandKind k = CommandKind.fromWireName(kind.wireName());
        double micros = LATENCY_US + CollectiveSweep.ringBytes(k, bytes, world) / (GB_PER_S * 1e3);
        return new SweepPoint(kind, type, world, bytes, bytes / type.bytes(), micros, 8);
    }

    @Test
    void writtenSweepReadsBackAndFitsItsLink(@TempDir Path dir) throws IOException {
        List<SweepPoint> points = new ArrayList<>();
        for (DType type : List.of(DType.BF16, DType.F32)) {
            for (SweepCollective kind : SweepCollective.values()) {
                for (long bytes = 64L << 10; bytes <= 1L << 30; bytes <<= 1) {
                    points.add(point(kind, type, 4, bytes));
                }
            }
        }
        Path file = dir.resolve("sweep.txt");
        Files.writeString(file, "an older sweep\n");
        SweepFile.write(file, List.of("NCCL 2.28.9, W = 4\n  cuda:0 test"), points);

        List<CollectivePoint> read = CollectiveSweep.read(file);
        assertEquals(points.size(), read.size());
        for (int i = 0; i < read.size(); i++) {
            SweepPoint w = points.get(i);
            CollectivePoint r = read.get(i);
            assertEquals(w.kind().wireName(), r.kind().wireName());
            assertEquals(4, r.world());
            assertEquals(CollectiveSweep.ringBytes(r.kind(), w.bytes(), 4), r.bytes());
            assertEquals(w.micros(), r.micros(), 5e-4, "written with 3 decimals");
        }
        assertTrue(Files.readString(file).contains("# bf16\nreduce_scatter 4 65536 "), Files.readString(file));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "no temporary file left");
        }

        CollectiveFits fits = CollectiveFits.of(read);
        for (CommandKind k : List.of(CommandKind.REDUCE_SCATTER, CommandKind.ALL_GATHER, CommandKind.ALL_REDUCE)) {
            LinkFit f = fits.forKind(k);
            assertEquals(LATENCY_US, f.latencyMicros(), 0.01, k + ": " + f.describe());
            assertEquals(GB_PER_S, f.gigabytesPerSecond(), 0.01, k + ": " + f.describe());
        }
    }

    @Test
    void aOneGpuSweepReadsButGivesNothingToFit(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("w1.txt");
        SweepFile.write(file, List.of(), List.of(new SweepPoint(SweepCollective.ALL_REDUCE, DType.F32, 1, 65536, 16384, 9.5, 8)));
        List<CollectivePoint> read = CollectiveSweep.read(file);
        assertEquals(1, read.size());
        assertEquals(0, read.get(0).bytes(), "no ring bytes at W = 1");
        assertEquals(null, CollectiveFits.of(read));
    }
}
