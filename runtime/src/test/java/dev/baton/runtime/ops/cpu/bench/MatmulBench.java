package dev.baton.runtime.ops.cpu.bench;

import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import com.sun.management.OperatingSystemMXBean;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark (not a test): GFLOP/s of {@code CpuOps.matmul} on square sizes and on the record's
 * shapes. Each figure is the best of five rounds of at least 0.3 s after a 1 s warm-up.
 *
 * <p>Output lines are tab-separated {@code name batch m n k transA transB gflops}. Modes:
 * {@code [threads] [filter]} measures every case whose name contains filter; {@code --list}
 * prints the cases without measuring; {@code --serve [threads]} times single rounds on request
 * (see {@link #serve}), so that {@code runtime/src/test/bench/numpy_sgemm.py} can alternate
 * Java and numpy rounds on each shape and a shared machine's changing load hits both sides
 * alike ({@code bin/bench-matmul} runs the two together).
 */
public final class MatmulBench {
    /** One benchmarked product (ASCII name: it crosses a pipe whatever the locale), flops = 2·max(batch, 1)·m·n·k; batch 0 means 2-D operands. */
    record Case(String name, int batch, int m, int n, int k, boolean transA, boolean transB) {
        String line() {
            return String.format(Locale.ROOT, "%s\t%d\t%d\t%d\t%d\t%b\t%b", name, batch, m, n, k, transA, transB);
        }
    }

    /** T = 4096 tokens per device, D = 768, MLP 3072, vocabulary 50304 (lm_head at T = 1024). */
    static final List<Case> CASES = List.of(
            new Case("square-256", 0, 256, 256, 256, false, false),
            new Case("square-512", 0, 512, 512, 512, false, false),
            new Case("square-1024", 0, 1024, 1024, 1024, false, false),
            new Case("square-2048", 0, 2048, 2048, 2048, false, false),
            new Case("mlp-fc x.W^T", 0, 4096, 3072, 768, false, true),
            new Case("mlp-proj h.W", 0, 4096, 768, 3072, false, false),
            new Case("mlp-fc dW=dh^T.x", 0, 3072, 768, 4096, true, false),
            new Case("attn-out y.Wo^T", 0, 4096, 768, 768, false, true),
            new Case("qkv x.W^T", 0, 4096, 2304, 768, false, true),
            new Case("lm-head x.W", 0, 1024, 50304, 768, false, false),
            new Case("polar X.X^T 5x768x768", 5, 768, 768, 768, false, true),
            new Case("polar A.X 5x768x768", 5, 768, 768, 768, false, false),
            new Case("polar X.X^T 3x768x3072", 3, 768, 768, 3072, false, true),
            new Case("gate x12.W^T", 0, 4096, 6, 12, false, true),
            new Case("gate dW=dg^T.x12", 0, 6, 12, 4096, true, false));

    private static final OperatingSystemMXBean CPU =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private MatmulBench() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "";
        if (mode.equals("--list")) {
            CASES.forEach(c -> System.out.println(c.line()));
            return;
        }
        boolean serve = mode.equals("--serve");
        int first = serve ? 1 : 0;
        int threads = args.length > first ? Integer.parseInt(args[first]) : Runtime.getRuntime().availableProcessors();
        String filter = !serve && args.length > 1 ? args[1] : "";
        System.err.printf(Locale.ROOT, "CpuOps matmul, %d threads, Java %s%n", threads, System.getProperty("java.vm.version"));
        try (CpuOps ops = new CpuOps(threads)) {
            if (serve) {
                serve(ops);
                return;
            }
            for (Case c : CASES) {
                if (c.name().contains(filter)) {
                    Operands x = new Operands(ops, c);
                    x.round(1.0);
                    double best = 0;
                    for (int round = 0; round < 5; round++) {
                        best = Math.max(best, x.round(0.3)[0]);
                    }
                    System.out.printf(Locale.ROOT, "%s\t%.1f%n", c.line(), best);
                }
            }
        }
    }

    /**
     * Answers requests {@code name<TAB>seconds} from stdin with one timed round of that case
     * (its first request is the warm-up), so that the caller can alternate rounds with numpy:
     * the case's line, GFLOP/s over wall time, and GFLOP per CPU-second of the whole JVM (which
     * discounts time the machine gave to other processes).
     */
    private static void serve(CpuOps ops) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Operands current = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] request = line.strip().split("\t");
            if (current == null || !current.c.name().equals(request[0])) {
                Case c = CASES.stream().filter(x -> x.name().equals(request[0])).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no benchmark case named '" + request[0] + "'"));
                current = new Operands(ops, c);
            }
            double[] rates = current.round(Double.parseDouble(request[1]));
            System.out.printf(Locale.ROOT, "%s\t%.1f\t%.1f%n", current.c.line(), rates[0], rates[1]);
            System.out.flush();
        }
    }

    /** Random operands of one case, on the CPU backend. */
    private static final class Operands {
        final Case c;
        private final CpuOps ops;
        private final Tensor a;
        private final Tensor b;
        private final Tensor out;

        Operands(CpuOps ops, Case c) {
            this.c = c;
            this.ops = ops;
            Random rnd = new Random(1);
            a = random(ops, rnd, shape(c.batch(), c.transA() ? c.k() : c.m(), c.transA() ? c.m() : c.k()));
            b = random(ops, rnd, shape(c.batch(), c.transB() ? c.n() : c.k(), c.transB() ? c.k() : c.n()));
            out = ops.allocate(shape(c.batch(), c.m(), c.n()), DType.F32);
        }

        /** Repeats the product for at least {@code seconds}; returns GFLOP/s per wall and per CPU second. */
        double[] round(double seconds) {
            double flops = 2.0 * Math.max(1, c.batch()) * c.m() * c.n() * c.k();
            long cpuStart = CPU.getProcessCpuTime();
            long start = System.nanoTime();
            long calls = 0;
            long elapsed;
            do {
                ops.matmul(a, c.transA(), b, c.transB(), out, 1f, 0f);
                calls++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < seconds * 1e9);
            long cpu = CPU.getProcessCpuTime() - cpuStart;
            return new double[]{flops * calls / elapsed, flops * calls / Math.max(cpu, 1)};
        }
    }

    private static Shape shape(int batch, int rows, int cols) {
        return batch == 0 ? Shape.of(rows, cols) : Shape.of(batch, rows, cols);
    }

    private static Tensor random(CpuOps ops, Random rnd, Shape shape) {
        float[] host = new float[(int) shape.numel()];
        for (int i = 0; i < host.length; i++) {
            host[i] = rnd.nextFloat() * 2f - 1f;
        }
        return ops.upload(host, shape, DType.F32);
    }
}
