package dev.baton.kernels.bench;

import dev.baton.kernels.driver.CudaDevice;
import dev.baton.kernels.driver.CudaEvent;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.ops.AttentionTiling;
import dev.baton.kernels.ops.AttentionWork;
import dev.baton.kernels.ops.CudaAttention;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.kernels.testing.DocumentLayouts;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints forward and backward times of the attention kernels at the record's shapes (a
 * benchmark, not a test): S = 49,152 tokens, 6 heads of 128, windows 384/896/1408, FineWeb-like
 * documents (log-normal lengths, median 600 tokens, sigma 1, cut at 2,048); the paired-head
 * layout (S doubled, 3 groups); and the evaluation forward (262,144 tokens, window 2,560).
 * TFLOP/s count only the visible (query, key) pairs. Times are device time per call: the median
 * of 10 samples of 10 back-to-back calls (so the host's launch cost, paid while the GPU works,
 * stays out), two input sets in rotation; "1-call" is the median of single calls between two
 * events, which adds the host's launch cost when the GPU waits for it.
 *
 * <p>Arguments: {@code [CU_FILE [CSV_FILE]]}: where to write the training layout's cu_seqlens
 * (for reference/bench/attention_bench.py, which times PyTorch on the same documents) and the
 * results as CSV; or {@code --profile}: one forward and one backward per variant at window 384
 * and nothing else, for a profiler (ncu) to read.
 */
public final class AttentionBench {
    private static final int S = 49_152;
    private static final int G = 6;
    private static final int D = 128;
    private static final float SCALE = 0.12f;
    private static final int WARMUP = 5;
    private static final int SAMPLES = 10;
    private static final int BATCH = 10;
    private static final AttentionTiling[] TILINGS = {
        new AttentionTiling(4, 4, 1), new AttentionTiling(4, 4, 2), new AttentionTiling(8, 8, 1)};

    private AttentionBench() {
    }

    /** One benchmarked shape. */
    private record Shape3(String name, int[] cu, int seqScale, int groups, int window, boolean backward) {
        int seq() {
            return cu[cu.length - 1] * seqScale;
        }
    }

    public static void main(String[] args) throws IOException {
        int[] cu = DocumentLayouts.logNormal(2026, S, 600, 1.0, 2048);
        if (args.length > 0 && args[0].equals("--profile")) {
            profile(cu);
            return;
        }
        int[] evalCu = DocumentLayouts.logNormal(2027, 262_144, 600, 1.0, 1 << 30);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), Arrays.stream(cu).mapToObj(Integer::toString)
                    .collect(Collectors.joining(",")) + "\n");
        }
        System.out.printf("[attention-bench] %d documents in %d tokens: mean %.0f, max %d tokens%n", cu.length - 1, S,
                (double) S / (cu.length - 1), maxLength(cu));
        List<Shape3> shapes = new ArrayList<>();
        for (int w : new int[] {384, 896, 1408}) {
            shapes.add(new Shape3("train", cu, 1, G, w, true));
        }
        shapes.add(new Shape3("paired", cu, 2, G / 2, 768, true));
        shapes.add(new Shape3("eval", evalCu, 1, G, 2560, false));
        StringBuilder csv = new StringBuilder(
                "shape,seq,groups,window,variant,pairs,fwd_ms,bwd_ms,fwd_tflops,bwd_tflops,fwd_1call_ms,bwd_1call_ms\n");
        StringBuilder table = new StringBuilder(String.format("%-7s %6s %4s %-17s %8s %8s %8s %8s %8s | %8s %8s%n",
                "shape", "window", "keys", "variant", "fwd ms", "fwd TF/s", "bwd ms", "bwd TF/s", "fwd+bwd", "1-call f",
                "1-call b"));
        try (CudaDevice device = CudaDevice.open(0); CudaStream stream = CudaStream.create()) {
            System.out.println("[attention-bench] " + device.properties().describe());
            for (Shape3 sh : shapes) {
                AttentionWork work = AttentionWork.of(sh.cu(), sh.seqScale(), sh.window(), sh.groups(), D);
                try (Buffers b = new Buffers(sh, stream)) {
                    for (AttentionTiling t : TILINGS) {
                        try (CudaAttention attention = CudaAttention.load(device.properties(), t)) {
                            double[] fwd = timeForward(attention, sh, b, stream);
                            double[] bwd = sh.backward() ? timeBackward(attention, sh, b, stream)
                                    : new double[] {Double.NaN, Double.NaN};
                            double ftf = work.forwardFlops() / (fwd[0] * 1e-3) / 1e12;
                            double btf = work.backwardFlops() / (bwd[0] * 1e-3) / 1e12;
                            table.append(String.format("%-7s %6d %4.0f %-17s %8.3f %8.1f %8.3f %8.1f %8.3f | %8.3f %8.3f%n",
                                    sh.name(), sh.window(), work.meanKeys(), t, fwd[0], ftf, bwd[0], btf,
                                    fwd[0] + bwd[0], fwd[1], bwd[1]));
                            csv.append(String.format("%s,%d,%d,%d,%s,%d,%.4f,%.4f,%.1f,%.1f,%.4f,%.4f%n", sh.name(),
                                    sh.seq(), sh.groups(), sh.window(), t, work.pairs(), fwd[0], bwd[0], ftf, btf,
                                    fwd[1], bwd[1]));
                        }
                    }
                }
            }
        }
        System.out.print(table);
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), csv.toString());
        }
    }

    private static int maxLength(int[] cu) {
        int m = 0;
        for (int i = 0; i + 1 < cu.length; i++) {
            m = Math.max(m, cu[i + 1] - cu[i]);
        }
        return m;
    }

    /** Inputs (two sets), outputs and workspaces of one shape. */
    private static final class Buffers implements AutoCloseable {
        final int sets;
        final CudaTensor[] q = new CudaTensor[2];
        final CudaTensor[] k = new CudaTensor[2];
        final CudaTensor[] v = new CudaTensor[2];
        final CudaTensor dout;
        final CudaTensor cu;
        final CudaTensor out;
        final CudaTensor lse;
        final CudaTensor dq;
        final CudaTensor dk;
        final CudaTensor dv;
        final CudaTensor delta;
        private final List<CudaTensor> all = new ArrayList<>();

        Buffers(Shape3 sh, CudaStream stream) {
            Shape qkv = Shape.of(sh.seq(), sh.groups(), D);
            Shape rows = Shape.of(sh.seq(), sh.groups());
            int n = sh.seq() * sh.groups() * D;
            // the evaluation shape (forward only, 400 MB a tensor) takes one input set and no gradients
            sets = sh.backward() ? 2 : 1;
            for (int i = 0; i < sets; i++) {
                q[i] = random(qkv, 10 * i + 1, n, stream);
                k[i] = random(qkv, 10 * i + 2, n, stream);
                v[i] = random(qkv, 10 * i + 3, n, stream);
            }
            Shape grads = sh.backward() ? qkv : Shape.of(1, sh.groups(), D);
            Shape gradRows = sh.backward() ? rows : Shape.of(1, sh.groups());
            dout = random(grads, 4, (int) grads.numel(), stream);
            cu = keep(CudaTensor.allocate(Shape.of(sh.cu().length), DType.I32));
            cu.copyFromInts(sh.cu(), stream);
            out = keep(CudaTensor.allocate(qkv, DType.BF16));
            lse = keep(CudaTensor.allocate(rows, DType.F32));
            dq = keep(CudaTensor.allocate(grads, DType.BF16));
            dk = keep(CudaTensor.allocate(grads, DType.BF16));
            dv = keep(CudaTensor.allocate(grads, DType.BF16));
            delta = keep(CudaTensor.allocate(gradRows, DType.F32));
        }

        private CudaTensor keep(CudaTensor t) {
            all.add(t);
            return t;
        }

        private CudaTensor random(Shape shape, long seed, int n, CudaStream stream) {
            CudaTensor t = keep(CudaTensor.allocate(shape, DType.BF16));
            t.copyFrom(uniform(seed, n), stream);
            return t;
        }

        @Override
        public void close() {
            all.forEach(CudaTensor::close);
        }
    }

    /** Uniform values of unit variance from a xorshift generator (fast enough for 10^8 elements). */
    private static float[] uniform(long seed, int n) {
        float[] out = new float[n];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            out[i] = ((x >>> 40) * 0x1p-23f - 1f) * 1.7320508f;
        }
        return out;
    }

    /** One forward and one backward per variant at window 384, no warm-up: for ncu. */
    private static void profile(int[] cu) {
        Shape3 sh = new Shape3("train", cu, 1, G, 384, true);
        try (CudaDevice device = CudaDevice.open(0); CudaStream stream = CudaStream.create();
             Buffers b = new Buffers(sh, stream)) {
            for (AttentionTiling t : TILINGS) {
                try (CudaAttention a = CudaAttention.load(device.properties(), t)) {
                    a.forward(b.q[0], b.k[0], b.v[0], b.cu, 1, sh.window(), SCALE, b.out, b.lse, stream);
                    a.backward(b.q[0], b.k[0], b.v[0], b.out, b.lse, b.dout, b.cu, 1, sh.window(), SCALE, b.dq, b.dk,
                            b.dv, b.delta, stream);
                    stream.synchronize();
                }
            }
        }
    }

    private static double[] timeForward(CudaAttention a, Shape3 sh, Buffers b, CudaStream stream) {
        return median(stream, i -> a.forward(b.q[i % b.sets], b.k[i % b.sets], b.v[i % b.sets], b.cu, sh.seqScale(), sh.window(),
                SCALE, b.out, b.lse, stream));
    }

    private static double[] timeBackward(CudaAttention a, Shape3 sh, Buffers b, CudaStream stream) {
        a.forward(b.q[0], b.k[0], b.v[0], b.cu, sh.seqScale(), sh.window(), SCALE, b.out, b.lse, stream);
        return median(stream, i -> a.backward(b.q[0], b.k[0], b.v[0], b.out, b.lse, b.dout, b.cu, sh.seqScale(),
                sh.window(), SCALE, b.dq, b.dk, b.dv, b.delta, stream));
    }

    /** {median ms per call over batches of BATCH calls, median ms of single calls}. */
    private static double[] median(CudaStream stream, java.util.function.IntConsumer call) {
        for (int i = 0; i < WARMUP; i++) {
            call.accept(i);
        }
        double[] batched = new double[SAMPLES];
        double[] single = new double[SAMPLES];
        try (CudaEvent start = CudaEvent.createTiming(); CudaEvent end = CudaEvent.createTiming()) {
            for (int r = 0; r < SAMPLES; r++) {
                start.record(stream);
                for (int i = 0; i < BATCH; i++) {
                    call.accept(r * BATCH + i);
                }
                end.record(stream);
                end.synchronize();
                batched[r] = CudaEvent.elapsedMillis(start, end) / BATCH;
                start.record(stream);
                call.accept(r);
                end.record(stream);
                end.synchronize();
                single[r] = CudaEvent.elapsedMillis(start, end);
            }
        }
        Arrays.sort(batched);
        Arrays.sort(single);
        return new double[] {batched[SAMPLES / 2], single[SAMPLES / 2]};
    }
}
