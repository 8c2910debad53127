package dev.baton.kernels.bench;

import dev.baton.runtime.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The values a sweep sends and the results it expects, so that every timed size is checked: rank
 * r sends {@code (r + 1) * c(j)} at element j, with c a hash of {@code j mod PERIOD} into 1..7.
 * The factor names the rank (an all-gather chunk in the wrong place is caught), the hash names the
 * position (a reduce-scatter shard taken from the wrong offset is caught: PERIOD is prime, the
 * shard offsets powers of two), and every value and partial sum up to W = 8 is an integer that
 * bf16 holds exactly, so results compare exactly. Zero, the poison of the receive buffers, is
 * never a correct result.
 */
public final class SweepPattern {
    /** Elements of the repeating block (a prime); buffers are filled by copying the block. */
    public static final int PERIOD = 8191;
    /** Elements checked at the head and at the tail of each rank's part of a result. */
    public static final int WINDOW = 4096;

    private SweepPattern() {
    }

    /** c(j), in 1..7. */
    static int c(long j) {
        return 1 + (int) ((((j % PERIOD) * 2654435761L) >>> 16) % 7);
    }

    /** Rank {@code rank}'s send values for elements 0 .. PERIOD-1 (the block the buffer repeats). */
    public static float[] block(int rank) {
        float[] out = new float[PERIOD];
        for (int j = 0; j < PERIOD; j++) {
            out[j] = (rank + 1) * c(j);
        }
        return out;
    }

    /** The value rank {@code rank} must hold at element {@code index} of its receive buffer. */
    public static float expected(SweepCollective kind, int world, int rank, long bufferElements, long index) {
        long ranks = (long) world * (world + 1) / 2; // sum of (r + 1) over the ranks
        long part = bufferElements / world;
        return switch (kind) {
            case ALL_REDUCE -> ranks * c(index);
            case REDUCE_SCATTER -> ranks * c(rank * part + index);
            case ALL_GATHER -> (index / part + 1) * c(index % part);
        };
    }

    /** A range of a receive buffer to download and check. */
    public record Window(long start, int count) {
    }

    /**
     * Where to look in each rank's receive buffer: the head and the tail of the result, and for an
     * all-gather of every rank's chunk of it (the whole of any part shorter than two windows).
     */
    public static List<Window> windows(SweepCollective kind, int world, long bufferElements) {
        List<Window> out = new ArrayList<>();
        if (kind == SweepCollective.ALL_GATHER) {
            long part = bufferElements / world;
            for (int r = 0; r < world; r++) {
                addHeadAndTail(out, r * part, part);
            }
        } else {
            addHeadAndTail(out, 0, kind.recvElements(bufferElements, world));
        }
        return out;
    }

    private static void addHeadAndTail(List<Window> out, long start, long length) {
        if (length <= 2L * WINDOW) {
            if (length > 0) {
                out.add(new Window(start, (int) length));
            }
            return;
        }
        out.add(new Window(start, WINDOW));
        out.add(new Window(start + length - WINDOW, WINDOW));
    }

    /**
     * Compares downloaded values (starting at element {@code start} of rank {@code rank}'s receive
     * buffer) with the expected ones: null when all match, else a message naming the first wrong one.
     * Exact, except bf16 beyond W = 8 where sums pass 256 and round (then within 2%).
     */
    public static String mismatch(SweepCollective kind, DType type, int world, int rank, long bufferElements, long start,
                                  float[] got) {
        double tolerance = type == DType.BF16 && world > 8 ? 0.02 : 0;
        for (int i = 0; i < got.length; i++) {
            float want = expected(kind, world, rank, bufferElements, start + i);
            if (!(Math.abs(got[i] - want) <= tolerance * want)) {
                return String.format(Locale.ROOT, "%s %s of %d elements at W=%d: rank %d element %d is %s, expected %s",
                        kind.wireName(), SweepPoint.typeName(type), bufferElements, world, rank, start + i, got[i], want);
            }
        }
        return null;
    }
}
