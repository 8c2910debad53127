package dev.baton.kernels.bench;

import dev.baton.kernels.driver.CudaEvent;
import dev.baton.kernels.ops.CudaOps;
import dev.baton.runtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times operations enqueued on a CudaOps stream with CUDA events (median of timed runs after
 * warm-ups) and collects them into a table of time, achieved bandwidth against a reference copy
 * bandwidth, and FLOP/s where the operation is compute-bound. Also fills large tensors with random
 * values quickly (one uploaded block replicated by device copies).
 */
final class BenchTimer {
    private record Row(String op, String shape, double ms, double bytes, double flops) {
    }

    private final CudaOps ops;
    private final double copyBandwidth;
    private final List<Row> rows = new ArrayList<>();

    BenchTimer(CudaOps ops, double copyBandwidth) {
        this.ops = ops;
        this.copyBandwidth = copyBandwidth;
    }

    /** Median milliseconds of {@code reps} runs of {@code op} after {@code warmups}. */
    double median(Runnable op, int warmups, int reps) {
        for (int i = 0; i < warmups; i++) {
            op.run();
        }
        double[] ms = new double[reps];
        try (CudaEvent start = CudaEvent.createTiming(); CudaEvent end = CudaEvent.createTiming()) {
            for (int r = 0; r < reps; r++) {
                start.record(ops.stream());
                op.run();
                end.record(ops.stream());
                end.synchronize();
                ms[r] = CudaEvent.elapsedMillis(start, end);
            }
        }
        Arrays.sort(ms);
        return ms[reps / 2];
    }

    /** Times and records one row; {@code bytes} is the fewest bytes the op must move, flops 0 if n/a. */
    void time(String op, String shape, double bytes, double flops, Runnable run) {
        time(op, shape, bytes, flops, 3, 20, run);
    }

    void time(String op, String shape, double bytes, double flops, int warmups, int reps, Runnable run) {
        double ms = median(run, warmups, reps);
        rows.add(new Row(op, shape, ms, bytes, flops));
        System.out.printf("[bench] %-34s %-26s %9.3f ms%n", op, shape, ms);
    }

    /** A row measured elsewhere (e.g. host wall-clock around a synchronised region). */
    void record(String op, String shape, double ms, double bytes, double flops) {
        rows.add(new Row(op, shape, ms, bytes, flops));
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-34s %-26s %10s %9s %7s %9s%n", "operation", "shape", "median ms", "GB/s",
                "%copy", "TFLOP/s"));
        for (Row r : rows) {
            double s = r.ms * 1e-3;
            String bw = r.bytes > 0 ? String.format("%9.0f", r.bytes / s / 1e9) : String.format("%9s", "-");
            String pct = r.bytes > 0 ? String.format("%6.0f%%", 100 * r.bytes / s / copyBandwidth)
                    : String.format("%7s", "-");
            String tf = r.flops > 0 ? String.format("%9.1f", r.flops / s / 1e12) : String.format("%9s", "-");
            sb.append(String.format("%-34s %-26s %10.3f %s %s %s%n", r.op, r.shape, r.ms, bw, pct, tf));
        }
        return sb.toString();
    }

    /** Uniform values in [-scale, scale) from a xorshift generator. */
    static float[] uniform(long seed, int n, float scale) {
        float[] out = new float[n];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            out[i] = ((x >>> 40) * 0x1p-23f - 1f) * scale;
        }
        return out;
    }

    /** Random values in every element: a block of about 4M uploaded, then copied along the leading dimension. */
    void fill(Tensor t, long seed, float scale) {
        int rows = t.shape().dim(0);
        long rowElems = t.numel() / Math.max(1, rows);
        int block = (int) Math.max(1, Math.min(rows, (1L << 22) / Math.max(1, rowElems)));
        ops.write(t.narrow(0, block), uniform(seed, (int) (block * rowElems), scale));
        for (int r = block; r < rows; r += block) {
            int k = Math.min(block, rows - r);
            ops.copy(t.narrow(r, k), t.narrow(0, k));
        }
    }
}
