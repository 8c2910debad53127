package dev.baton.kernels.bench;

import dev.baton.runtime.tensor.DType;

import java.util.Locale;

/**
 * One measured size of a sweep: the collective, element type, world size, the whole buffer's bytes
 * and elements, the mean time of one launch, and how many result values were checked after it.
 */
public record SweepPoint(SweepCollective kind, DType type, int world, long bytes, long elements, double micros,
                         long checked) {
    public SweepPoint {
        if (world < 1 || bytes < 0 || elements < 0 || !(micros >= 0) || checked < 0) {
            throw new IllegalArgumentException("sweep point " + kind + " W=" + world + " " + bytes + " B " + micros + " µs");
        }
    }

    /** Algorithm bandwidth, GB/s (1e9 bytes per second): the whole buffer over the launch time. */
    public double algbw() {
        return micros == 0 ? 0 : bytes / micros / 1e3;
    }

    /** Bus bandwidth, GB/s, as nccl-tests defines it (comparable across world sizes and kinds). */
    public double busbw() {
        return algbw() * kind.busFactor(world);
    }

    /** Short name of the element type, as in nccl-tests and the table. */
    public static String typeName(DType type) {
        return switch (type) {
            case BF16 -> "bf16";
            case F32 -> "fp32";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    public static String tableHeader() {
        return String.format(Locale.ROOT, "%-15s %-5s %14s %12s %11s %11s %11s %8s", "collective", "type", "bytes",
                "elements", "time µs", "algbw GB/s", "busbw GB/s", "checked");
    }

    public String tableRow() {
        return String.format(Locale.ROOT, "%-15s %-5s %14d %12d %11.2f %11.2f %11.2f %8d", kind.wireName(),
                typeName(type), bytes, elements, micros, algbw(), busbw(), checked);
    }
}
