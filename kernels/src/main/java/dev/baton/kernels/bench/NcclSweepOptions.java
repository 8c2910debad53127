package dev.baton.kernels.bench;

import dev.baton.runtime.tensor.DType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@link NcclSweep}: where to write, which sizes (powers of two from
 * {@code minBytes} to {@code maxBytes}), how many launches to time after how many untimed ones,
 * how many GPUs (0 = every visible one), which element types, and the longest one size may take.
 */
public record NcclSweepOptions(Path out, long minBytes, long maxBytes, int iters, int largeIters, int warmup, int devices,
                               List<DType> types, int timeoutSeconds, boolean help) {
    /** Sizes above this take {@code largeIters} launches: each is long enough to time well, and they dominate the sweep. */
    public static final long LARGE_BYTES = 64L << 20;

    public static final String USAGE = String.join("\n",
            "usage: NcclSweep [--out FILE] [--min-bytes N] [--max-bytes N] [--iters N] [--large-iters N] [--warmup N] [--devices N]",
            "                 [--types bf16,fp32] [--timeout-s N]",
            "  Times NCCL reduce-scatter, all-gather and all-reduce (sum, out of place) over the GPUs of this",
            "  process, sizes from --min-bytes to --max-bytes by powers of two (the whole buffer, as nccl-tests),",
            "  checks each size's result, prints a table with nccl-tests' bus bandwidth, and writes the sweep",
            "  file that `baton replay --sweep` reads.",
            "  --out FILE      sweep file to write (default nccl-sweep.txt)",
            "  --min-bytes N   smallest size, a power of two; suffixes K, M, G = 2^10, 2^20, 2^30 (default 64K)",
            "  --max-bytes N   largest size, a power of two (default 1G); each GPU holds two buffers of it",
            "  --iters N       timed launches per size (default 20)",
            "  --large-iters N timed launches per size above 64M (default 5)",
            "  --warmup N      untimed launches before them (default 5)",
            "  --devices N     GPUs to use, 0 = all visible (default 0)",
            "  --types LIST    element types, of bf16 and fp32 (default bf16,fp32)",
            "  --timeout-s N   longest one size may take before the sweep fails (default 120)");

    public NcclSweepOptions {
        types = List.copyOf(types);
    }

    public static NcclSweepOptions defaults() {
        return new NcclSweepOptions(Path.of("nccl-sweep.txt"), 64L << 10, 1L << 30, 20, 5, 5, 0,
                List.of(DType.BF16, DType.F32), 120, false);
    }

    /** Parses {@code args}; a wrong argument throws IllegalArgumentException with a message naming it. */
    public static NcclSweepOptions parse(String... args) {
        NcclSweepOptions d = defaults();
        Path out = d.out;
        long minBytes = d.minBytes;
        long maxBytes = d.maxBytes;
        int iters = d.iters;
        int largeIters = d.largeIters;
        int warmup = d.warmup;
        int devices = d.devices;
        List<DType> types = d.types;
        int timeout = d.timeoutSeconds;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                help = true;
                continue;
            }
            String value;
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
            if (eq > 0 && a.startsWith("--")) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
            switch (name) {
                case "--out" -> out = Path.of(value);
                case "--min-bytes" -> minBytes = bytes(name, value);
                case "--max-bytes" -> maxBytes = bytes(name, value);
                case "--iters" -> iters = whole(name, value, 1);
                case "--large-iters" -> largeIters = whole(name, value, 1);
                case "--warmup" -> warmup = whole(name, value, 0);
                case "--devices" -> devices = whole(name, value, 0);
                case "--types" -> types = types(value);
                case "--timeout-s" -> timeout = whole(name, value, 1);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (minBytes > maxBytes) {
            throw new IllegalArgumentException("--min-bytes " + minBytes + " is larger than --max-bytes " + maxBytes);
        }
        return new NcclSweepOptions(out, minBytes, maxBytes, iters, largeIters, warmup, devices, types, timeout, help);
    }

    /** Timed launches at a size of {@code bytes}. */
    public int itersAt(long bytes) {
        return bytes > LARGE_BYTES ? largeIters : iters;
    }

    /** The sizes to time: minBytes, 2 minBytes, ..., maxBytes. */
    public List<Long> sizes() {
        List<Long> out = new ArrayList<>();
        for (long s = minBytes; s <= maxBytes && s > 0; s <<= 1) {
            out.add(s);
        }
        return out;
    }

    private static long bytes(String name, String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        int shift = 0;
        if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                default -> { }
            }
        }
        if (shift > 0) {
            v = v.substring(0, v.length() - 1);
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " " + value + ": not a byte count (e.g. 65536, 64K, 1G)");
        }
        if (n <= 0 || Long.numberOfLeadingZeros(n) <= shift + 1) {
            throw new IllegalArgumentException(name + " " + value + ": must be positive and at most 2^62 bytes");
        }
        long bytes = n << shift;
        if (Long.bitCount(bytes) != 1 || bytes < 1024) {
            throw new IllegalArgumentException(name + " " + value + ": must be a power of two of at least 1K "
                    + "(the sweep doubles the size)");
        }
        return bytes;
    }

    private static int whole(String name, String value, int min) {
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " " + value + ": not a whole number");
        }
        if (n < min) {
            throw new IllegalArgumentException(name + " " + value + ": must be at least " + min);
        }
        return n;
    }

    private static List<DType> types(String value) {
        List<DType> out = new ArrayList<>();
        for (String t : value.split(",")) {
            DType type = switch (t.strip().toLowerCase(Locale.ROOT)) {
                case "bf16" -> DType.BF16;
                case "fp32", "f32" -> DType.F32;
                default -> throw new IllegalArgumentException("--types " + value + ": " + t.strip()
                        + " is not one of bf16, fp32");
            };
            if (!out.contains(type)) {
                out.add(type);
            }
        }
        return out;
    }
}
