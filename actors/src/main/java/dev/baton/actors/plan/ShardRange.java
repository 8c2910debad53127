package dev.baton.actors.plan;

/**
 * Units {@code [start, end)} of a parameter's leading unit dimension (matrices of a bank or rows)
 * that one rank owns; may be empty when there are fewer units than ranks.
 */
public record ShardRange(int start, int end) {
    public ShardRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad shard range [" + start + ", " + end + ")");
        }
    }

    public int count() {
        return end - start;
    }

    public boolean isEmpty() {
        return end == start;
    }

    /** The overlap with another range (possibly empty, placed at the larger start). */
    public ShardRange intersect(ShardRange o) {
        int s = Math.max(start, o.start);
        int e = Math.max(s, Math.min(end, o.end));
        return new ShardRange(s, e);
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
