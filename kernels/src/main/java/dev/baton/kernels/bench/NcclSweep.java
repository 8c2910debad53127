package dev.baton.kernels.bench;

import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.nccl.Nccl;
import dev.baton.kernels.nccl.NcclComm;
import dev.baton.kernels.nccl.NcclDataType;
import dev.baton.runtime.tensor.DType;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The NCCL collectives sweep (the measurement behind {@code baton bench --collectives}): over every
 * GPU of this process, one communicator per GPU from {@code ncclCommInitAll}, it times
 * reduce-scatter, all-gather and all-reduce (sum, out of place, bf16 and fp32) at sizes doubling
 * from 64 KiB to 1 GiB, with CUDA events around {@code iters} launches after {@code warmup}
 * untimed ones (each launch one NCCL group over all ranks, as nccl-tests drives several GPUs from
 * one thread). A launch's time is the slowest rank's. After each size the result of the last
 * launch is checked against {@link SweepPattern} on every rank, so a broken run stops with the
 * first wrong value instead of printing fast numbers. Prints a table with nccl-tests' algorithm
 * and bus bandwidths and writes the sweep file that {@code baton replay --sweep} reads.
 *
 * <pre>java ... dev.baton.kernels.bench.NcclSweep [--out FILE] [--max-bytes N] [--iters N] ...</pre>
 *
 * NVLink multicast stays off ({@code NCCL_NVLS_ENABLE=0}, set by the shim unless the environment
 * sets it).
 */
public final class NcclSweep {
    private final NcclSweepOptions options;
    private final PrintWriter out;

    public NcclSweep(NcclSweepOptions options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** A result check failed: the sweep's figures cannot be trusted. */
    public static final class CheckFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckFailure(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        NcclSweepOptions options;
        try {
            options = NcclSweepOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("nccl-sweep: " + e.getMessage());
            System.err.println(NcclSweepOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(NcclSweepOptions.USAGE);
            return;
        }
        try {
            new NcclSweep(options, new PrintWriter(System.out, true)).run();
        } catch (CheckFailure e) {
            System.err.println("nccl-sweep: result check FAILED, no figures written: " + e.getMessage());
            System.exit(1);
        } catch (IOException | RuntimeException e) {
            System.err.println("nccl-sweep: " + e.getMessage());
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                System.err.println("  caused by: " + c);
            }
            System.exit(1);
        }
    }

    /** Runs the sweep, prints the table, writes the sweep file; returns the points in the file's order. */
    public List<SweepPoint> run() throws IOException {
        CudaAvailability.Status cuda = CudaAvailability.probe();
        if (!cuda.available()) {
            throw new IllegalStateException("no CUDA device (" + cuda.reason() + "); the sweep needs one or more NVIDIA GPUs");
        }
        int visible = cuda.devices().size();
        int world = options.devices() == 0 ? visible : options.devices();
        if (world > visible) {
            throw new IllegalStateException("--devices " + world + ": only " + visible + " GPU(s) visible");
        }
        String nvls = System.getenv("NCCL_NVLS_ENABLE");
        if (nvls != null && !nvls.equals("0")) {
            throw new IllegalStateException("NCCL_NVLS_ENABLE=" + nvls + ": keep NVLink multicast off (unset it or set 0)");
        }
        List<SweepRank> ranks = new ArrayList<>();
        List<NcclComm> comms = List.of();
        try (Nccl nccl = Nccl.open()) {
            try {
                for (int r = 0; r < world; r++) {
                    ranks.add(SweepRank.open(r, r, options.maxBytes()));
                }
                int[] ordinals = new int[world];
                for (int r = 0; r < world; r++) {
                    ordinals[r] = r;
                }
                comms = nccl.initAll(ordinals);
                List<String> about = describe(nccl, cuda.devices().subList(0, world));
                about.forEach(line -> out.println("[nccl-sweep] " + line));
                List<SweepPoint> points = sweep(nccl, comms, ranks);
                summary(points);
                SweepFile.write(options.out(), about, points);
                out.flush();
                out.println("[nccl-sweep] wrote " + points.size() + " points to " + options.out());
                return points;
            } finally {
                for (NcclComm c : comms) {
                    c.close();
                }
                for (SweepRank r : ranks) {
                    r.close();
                }
            }
        }
    }

    private List<String> describe(Nccl nccl, List<DeviceProperties> devices) {
        List<String> lines = new ArrayList<>();
        lines.add("NCCL " + nccl.versionString() + " (" + nccl.libraryPath() + "), W = " + devices.size()
                + " GPU(s) driven from one process (ncclCommInitAll), NCCL_NVLS_ENABLE="
                + (System.getenv("NCCL_NVLS_ENABLE") == null ? "0 (set by the shim)" : System.getenv("NCCL_NVLS_ENABLE")));
        devices.forEach(d -> lines.add("  " + d.describe()));
        lines.add(String.format(Locale.ROOT, "sum, out of place; %d timed launches (%d above %d MiB) after %d warm-up per "
                + "size; time = slowest rank's CUDA-event time / launches; sizes are whole buffers (nccl-tests)",
                options.iters(), options.largeIters(), NcclSweepOptions.LARGE_BYTES >> 20, options.warmup()));
        return lines;
    }

    private List<SweepPoint> sweep(Nccl nccl, List<NcclComm> comms, List<SweepRank> ranks) {
        int world = ranks.size();
        List<SweepPoint> points = new ArrayList<>();
        for (DType type : options.types()) {
            for (SweepRank r : ranks) {
                r.fillSend(options.maxBytes() / type.bytes(), type);
            }
            out.println(SweepPoint.tableHeader());
            for (SweepCollective kind : SweepCollective.values()) {
                for (long size : options.sizes()) {
                    long elements = kind.bufferElements(size, type.bytes(), world);
                    if (elements == 0) {
                        continue;
                    }
                    SweepPoint p = measure(nccl, comms, ranks, kind, type, elements);
                    points.add(p);
                    out.println(p.tableRow());
                }
            }
        }
        return points;
    }

    /** Times one size, then checks the last launch's result on every rank. */
    private SweepPoint measure(Nccl nccl, List<NcclComm> comms, List<SweepRank> ranks, SweepCollective kind, DType type,
                               long elements) {
        int world = ranks.size();
        long recvBytes = kind.recvElements(elements, world) * type.bytes();
        for (SweepRank r : ranks) {
            r.poisonRecv(recvBytes);
        }
        NcclDataType nt = NcclDataType.of(type);
        for (int i = 0; i < options.warmup(); i++) {
            launch(nccl, comms, ranks, kind, nt, elements);
        }
        int iters = options.itersAt(elements * type.bytes());
        ranks.forEach(SweepRank::recordStart);
        for (int i = 0; i < iters; i++) {
            launch(nccl, comms, ranks, kind, nt, elements);
        }
        ranks.forEach(SweepRank::recordEnd);
        double slowestMillis = 0;
        Duration timeout = Duration.ofSeconds(options.timeoutSeconds());
        for (int r = 0; r < world; r++) {
            ranks.get(r).device().makeCurrent();
            comms.get(r).await(ranks.get(r).end(), timeout);
            slowestMillis = Math.max(slowestMillis, ranks.get(r).elapsedMillis());
        }
        long checked = check(ranks, kind, type, elements);
        return new SweepPoint(kind, type, world, elements * type.bytes(), elements,
                slowestMillis * 1e3 / iters, checked);
    }

    private static void launch(Nccl nccl, List<NcclComm> comms, List<SweepRank> ranks, SweepCollective kind,
                               NcclDataType type, long elements) {
        nccl.groupStart();
        try {
            for (int r = 0; r < ranks.size(); r++) {
                SweepRank rank = ranks.get(r);
                kind.launch(comms.get(r), rank.sendAddress(), rank.recvAddress(), elements, type, rank.streamAddress());
            }
        } finally {
            nccl.groupEnd();
        }
    }

    /** Compares every rank's result windows with the pattern; returns the number of values compared. */
    private static long check(List<SweepRank> ranks, SweepCollective kind, DType type, long elements) {
        int world = ranks.size();
        long checked = 0;
        for (SweepRank r : ranks) {
            for (SweepPattern.Window w : SweepPattern.windows(kind, world, elements)) {
                float[] got = r.download(w.start(), w.count(), type);
                String wrong = SweepPattern.mismatch(kind, type, world, r.rank(), elements, w.start(), got);
                if (wrong != null) {
                    throw new CheckFailure(wrong);
                }
                checked += got.length;
            }
        }
        return checked;
    }

    /** The best bus bandwidth per collective and type, and the smallest launch time (the latency floor). */
    private void summary(List<SweepPoint> points) {
        for (DType type : options.types()) {
            for (SweepCollective kind : SweepCollective.values()) {
                List<SweepPoint> mine = points.stream().filter(p -> p.kind() == kind && p.type() == type).toList();
                if (mine.isEmpty()) {
                    continue;
                }
                SweepPoint best = mine.stream().max((a, b) -> Double.compare(a.busbw(), b.busbw())).orElseThrow();
                SweepPoint fastest = mine.stream().min((a, b) -> Double.compare(a.micros(), b.micros())).orElseThrow();
                out.printf(Locale.ROOT, "[nccl-sweep] %-14s %-4s peak busbw %8.2f GB/s (algbw %8.2f) at %d B; "
                        + "shortest launch %.2f µs at %d B%n", kind.wireName(), SweepPoint.typeName(type), best.busbw(),
                        best.algbw(), best.bytes(), fastest.micros(), fastest.bytes());
            }
        }
    }
}
