package dev.baton.actors.plan;

import java.util.List;

/**
 * How a buffer of {@code units * unitElements} elements is cut into one contiguous range per
 * rank, in rank order; what a reduce-scatter leaves on each rank and an all-gather collects.
 */
public record Partition(List<ShardRange> ranges, long unitElements) {
    public Partition {
        ranges = List.copyOf(ranges);
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("a partition needs at least one rank");
        }
        if (unitElements <= 0) {
            throw new IllegalArgumentException("unit size must be positive, got " + unitElements);
        }
        int next = 0;
        for (int r = 0; r < ranges.size(); r++) {
            if (ranges.get(r).start() != next) {
                throw new IllegalArgumentException("ranges are not contiguous in rank order at rank " + r + ": " + ranges);
            }
            next = ranges.get(r).end();
        }
    }

    /** A balanced split of {@code units} over {@code world} ranks (see {@link ShardPlan#split}). */
    public static Partition balanced(int units, long unitElements, int world) {
        return new Partition(ShardPlan.split(units, world), unitElements);
    }

    public int world() {
        return ranges.size();
    }

    public int units() {
        return ranges.get(ranges.size() - 1).end();
    }

    public long elements() {
        return units() * unitElements;
    }

    public long elementStart(int rank) {
        return ranges.get(rank).start() * unitElements;
    }

    public long elementEnd(int rank) {
        return ranges.get(rank).end() * unitElements;
    }

    /** True when every rank owns the same number of units (one NCCL call suffices). */
    public boolean even() {
        int c = ranges.get(0).count();
        return ranges.stream().allMatch(r -> r.count() == c);
    }
}
