package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latency-plus-bandwidth fit on synthetic launches with known coefficients, and the sweep file. */
class LinkFitTest {
    private static CollectivePoint p(int world, long bytes, double micros) {
        return new CollectivePoint(CommandKind.REDUCE_SCATTER, world, bytes, micros, 1, "synthetic");
    }

    @Test
    void recoversLatencyAndBandwidthExactlyFromNoiselessLaunches() {
        List<CollectivePoint> pts = new ArrayList<>();
        for (long b : new long[] {1000, 5000, 20000, 100000}) {
            pts.add(p(2, b, 300 + 0.05 * b));
        }
        LinkFit f = LinkFit.fit("rs", pts);
        assertEquals(300, f.latencyMicros(), 1e-6);
        assertEquals(0.05, f.microsPerByte(), 1e-12);
        assertEquals(0, f.microsPerExtraRank());
        assertEquals(0.02, f.gigabytesPerSecond(), 1e-12);
        assertEquals(0, f.rmsMicros(), 1e-6);
        assertEquals(2800, f.predict(50000, 2), 1e-6);
        assertEquals(0, f.predict(50000, 1), "a world of one moves nothing");
        assertTrue(f.describe().startsWith("latency 300.0 µs + 0.050000 µs/B (20.0 MB/s); 4 launches"), f.describe());
    }

    @Test
    void reportsTheErrorOfANoisyFit() {
        // +-10 µs alternating around 100 + 0.01 b: least squares through the middle, rms 10 at most
        List<CollectivePoint> pts = new ArrayList<>();
        long[] sizes = {0, 10000, 20000, 30000};
        for (int i = 0; i < sizes.length; i++) {
            pts.add(p(2, sizes[i], 100 + 0.01 * sizes[i] + (i % 2 == 0 ? 10 : -10)));
        }
        LinkFit f = LinkFit.fit("noisy", pts);
        assertEquals(0.01, f.microsPerByte(), 0.002);
        assertTrue(f.rmsMicros() > 5 && f.rmsMicros() <= 10, "rms " + f.rmsMicros());
        // the worst point is the smallest launch: |residual| about 10 on about 100 µs
        assertTrue(f.maxRelError() > 0.04 && f.maxRelError() < 0.11, "max " + f.maxRelError());
    }

    @Test
    void fitsALatencyPerRankWhenTheLaunchesSpanWorldSizes() {
        List<CollectivePoint> pts = new ArrayList<>();
        for (int w : new int[] {2, 4, 8}) {
            for (long b : new long[] {1 << 10, 1 << 16, 1 << 20}) {
                pts.add(p(w, b, 100 + 0.01 * b + 50 * (w - 1)));
            }
        }
        LinkFit f = LinkFit.fit("ring", pts);
        assertEquals(100, f.latencyMicros(), 1e-6);
        assertEquals(0.01, f.microsPerByte(), 1e-12);
        assertEquals(50, f.microsPerExtraRank(), 1e-6);
        assertEquals(List.of(2, 4, 8), f.worlds());
        assertEquals(100 + 0.01 * 1000 + 50 * 15, f.predict(1000, 16), 1e-6);
    }

    @Test
    void oneSizeGivesALatencyOnlyAndASingularSystemIsRefused() {
        LinkFit f = LinkFit.fit("one size", List.of(p(2, 4096, 90), p(2, 4096, 110)));
        assertEquals(100, f.latencyMicros(), 1e-9);
        assertEquals(0, f.microsPerByte());
        assertEquals(10, f.rmsMicros(), 1e-9);
        assertNull(LinkFit.solve(new double[][] {{1, 2}, {2, 4}}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> LinkFit.fit("none", List.of()));
    }

    @Test
    void perKindFitsNeedTwoSizesAndTheRestFallsBackToThePooledFit() {
        List<CollectivePoint> pts = new ArrayList<>(List.of(p(2, 1000, 150), p(2, 3000, 250)));
        pts.add(new CollectivePoint(CommandKind.ALL_REDUCE, 2, 2000, 200, 5, "synthetic"));
        CollectiveFits fits = CollectiveFits.of(pts);
        assertEquals(List.of(CommandKind.REDUCE_SCATTER), List.copyOf(fits.byKind().keySet()));
        assertEquals(100, fits.forKind(CommandKind.REDUCE_SCATTER).latencyMicros(), 1e-6);
        assertEquals(fits.pooled(), fits.forKind(CommandKind.ALL_REDUCE));
        assertEquals(7, fits.pooled().measurements());
        assertNull(CollectiveFits.of(List.of(p(1, 0, 3))), "a world of one gives nothing to fit");
    }

    @Test
    void readsASweepAsRingBytesPerRank(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sweep.txt");
        Files.writeString(f, "baton-collectives 1\n# kind world size_bytes micros\nall_reduce 8 1048576 85.5\n"
                + "reduce_scatter 8 1048576 40\nall_gather 4 4096 12.5\n");
        List<CollectivePoint> pts = CollectiveSweep.read(f);
        assertEquals(3, pts.size());
        assertEquals(2L * 1048576 * 7 / 8, pts.get(0).bytes());
        assertEquals(1048576L * 7 / 8, pts.get(1).bytes());
        assertEquals(3072, pts.get(2).bytes());
        assertEquals(85.5, pts.get(0).micros());
        Files.writeString(f, "baton-collectives 1\nall_reduce 8 lots 85.5\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CollectiveSweep.read(f));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        Files.writeString(f, "kind world bytes\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CollectiveSweep.read(f)).getMessage()
                .contains("is not a collectives sweep"));
    }
}
