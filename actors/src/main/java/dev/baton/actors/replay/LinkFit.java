package dev.baton.actors.replay;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A latency-plus-bandwidth model of collective launches, {@code t = latency + bytes * perByte
 * + perExtraRank * (W - 1)}, fitted by least squares to measured launches, one point per distinct
 * launch (bytes are per rank by the ring formula, so the world size's share of the volume is
 * already in them). The
 * {@code W - 1} term (ring steps) is fitted only when the points span two or more world sizes,
 * and the bandwidth term only when they span two or more sizes; otherwise they are 0.
 *
 * @param points       distinct launches fitted
 * @param measurements the measurements averaged into them
 * @param rmsMicros    root mean square of the residuals
 * @param maxRelError  the largest |residual| / measured over the points
 */
public record LinkFit(String name, double latencyMicros, double microsPerByte, double microsPerExtraRank, int points,
                      int measurements, double rmsMicros, double maxRelError, List<Integer> worlds) {
    public LinkFit {
        worlds = List.copyOf(worlds);
    }

    /** The predicted duration of a launch moving {@code bytes} per rank in a world of {@code world}; never negative. */
    public double predict(long bytes, int world) {
        if (world <= 1) {
            return 0;
        }
        return Math.max(0, latencyMicros + microsPerByte * bytes + microsPerExtraRank * (world - 1));
    }

    /** Bandwidth in GB/s (1e9 bytes per second) implied by the fit; infinite when the fit has no bytes term. */
    public double gigabytesPerSecond() {
        return microsPerByte <= 0 ? Double.POSITIVE_INFINITY : 1e-3 / microsPerByte;
    }

    /** Least squares over {@code points} (at least one). */
    public static LinkFit fit(String name, List<CollectivePoint> points) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no collectives to fit for " + name);
        }
        TreeSet<Integer> worlds = new TreeSet<>();
        TreeSet<Long> sizes = new TreeSet<>();
        for (CollectivePoint p : points) {
            worlds.add(p.world());
            sizes.add(p.bytes());
        }
        boolean bytesTerm = sizes.size() >= 2;
        boolean worldTerm = worlds.size() >= 2;
        int n = 1 + (bytesTerm ? 1 : 0) + (worldTerm ? 1 : 0);
        double[][] a = new double[n][n];
        double[] y = new double[n];
        for (CollectivePoint p : points) {
            double[] x = features(p, bytesTerm, worldTerm);
            for (int i = 0; i < n; i++) {
                y[i] += x[i] * p.micros();
                for (int j = 0; j < n; j++) {
                    a[i][j] += x[i] * x[j];
                }
            }
        }
        double[] c = solve(a, y);
        if (c == null) { // collinear bytes and world size: drop the world term
            return worldTerm ? fitWithout(name, points) : constant(name, points, worlds);
        }
        double latency = c[0];
        double perByte = bytesTerm ? c[1] : 0;
        double perRank = worldTerm ? c[n - 1] : 0;
        return withErrors(name, latency, perByte, perRank, points, worlds);
    }

    private static LinkFit fitWithout(String name, List<CollectivePoint> points) {
        List<CollectivePoint> sameWorld = points.stream().map(p -> new CollectivePoint(p.kind(), 2, p.bytes(), p.micros(),
                p.samples(), p.source())).toList();
        LinkFit f = fit(name, sameWorld);
        TreeSet<Integer> worlds = new TreeSet<>();
        points.forEach(p -> worlds.add(p.world()));
        return withErrors(name, f.latencyMicros, f.microsPerByte, 0, points, worlds);
    }

    private static LinkFit constant(String name, List<CollectivePoint> points, TreeSet<Integer> worlds) {
        double mean = points.stream().mapToDouble(CollectivePoint::micros).average().orElse(0);
        return withErrors(name, mean, 0, 0, points, worlds);
    }

    private static LinkFit withErrors(String name, double latency, double perByte, double perRank,
                                      List<CollectivePoint> points, TreeSet<Integer> worlds) {
        double sq = 0;
        double maxRel = 0;
        int measurements = points.stream().mapToInt(CollectivePoint::samples).sum();
        LinkFit f = new LinkFit(name, latency, perByte, perRank, points.size(), measurements, 0, 0, List.copyOf(worlds));
        for (CollectivePoint p : points) {
            double r = f.predict(p.bytes(), p.world()) - p.micros();
            sq += r * r;
            if (p.micros() > 0) {
                maxRel = Math.max(maxRel, Math.abs(r) / p.micros());
            }
        }
        return new LinkFit(name, latency, perByte, perRank, points.size(), measurements, Math.sqrt(sq / points.size()),
                maxRel, List.copyOf(worlds));
    }

    private static double[] features(CollectivePoint p, boolean bytesTerm, boolean worldTerm) {
        double[] x = new double[1 + (bytesTerm ? 1 : 0) + (worldTerm ? 1 : 0)];
        x[0] = 1;
        int i = 1;
        if (bytesTerm) {
            x[i++] = p.bytes();
        }
        if (worldTerm) {
            x[i] = p.world() - 1;
        }
        return x;
    }

    /** Gaussian elimination with partial pivoting; null when the system is (nearly) singular. */
    static double[] solve(double[][] a0, double[] y0) {
        int n = y0.length;
        double[][] a = new double[n][];
        double[] y = y0.clone();
        for (int i = 0; i < n; i++) {
            a[i] = a0[i].clone();
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double scale = 0;
            for (double v : a[pivot]) {
                scale = Math.max(scale, Math.abs(v));
            }
            if (scale == 0 || Math.abs(a[pivot][col]) <= 1e-12 * scale) {
                return null;
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            double ty = y[col];
            y[col] = y[pivot];
            y[pivot] = ty;
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                for (int k = col; k < n; k++) {
                    a[r][k] -= f * a[col][k];
                }
                y[r] -= f * y[col];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= a[i][k] * x[k];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }

    /** E.g. "latency 301.2 µs + 0.050000 µs/B (20.0 MB/s); 5 launches (40 measurements) at W=2; rms error ...". */
    public String describe() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "latency %.1f µs + %.6f µs/B", latencyMicros, microsPerByte));
        double gbs = gigabytesPerSecond();
        if (Double.isFinite(gbs)) {
            b.append(gbs >= 1 ? String.format(Locale.ROOT, " (%.2f GB/s)", gbs) : String.format(Locale.ROOT, " (%.1f MB/s)", gbs * 1000));
        }
        if (microsPerExtraRank != 0) {
            b.append(String.format(Locale.ROOT, " + %.1f µs x (W-1)", microsPerExtraRank));
        }
        b.append(String.format(Locale.ROOT, "; %d launches (%d measurements) at W=%s; rms error %.1f µs, max error %.1f%%",
                points, measurements, worlds.stream().map(String::valueOf).reduce((x, y) -> x + "," + y).orElse("?"),
                rmsMicros, 100 * maxRelError));
        return b.toString();
    }
}
