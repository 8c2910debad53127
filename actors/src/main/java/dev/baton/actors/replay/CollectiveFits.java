package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The link models of a calibration: one {@link LinkFit} per collective kind that was measured at
 * two or more sizes (NCCL's reduce-scatter, all-gather and all-reduce cost differently), and one
 * over all launches, used for fused launches and kinds without a fit of their own.
 */
public final class CollectiveFits {
    private final Map<CommandKind, LinkFit> byKind = new EnumMap<>(CommandKind.class);
    private final LinkFit pooled;

    private CollectiveFits(LinkFit pooled) {
        this.pooled = pooled;
    }

    /** Fits {@code points}; null when there are none (a world of one moves nothing). */
    public static CollectiveFits of(List<CollectivePoint> points) {
        List<CollectivePoint> moving = points.stream().filter(p -> p.world() > 1).toList();
        if (moving.isEmpty()) {
            return null;
        }
        CollectiveFits f = new CollectiveFits(LinkFit.fit("all launches", moving));
        Map<CommandKind, List<CollectivePoint>> split = new EnumMap<>(CommandKind.class);
        for (CollectivePoint p : moving) {
            split.computeIfAbsent(p.kind(), k -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<CommandKind, List<CollectivePoint>> e : split.entrySet()) {
            TreeSet<Long> sizes = new TreeSet<>();
            e.getValue().forEach(p -> sizes.add(p.bytes()));
            if (sizes.size() >= 2 && e.getKey() != CommandKind.COLLECTIVE_GROUP) {
                f.byKind.put(e.getKey(), LinkFit.fit(e.getKey().wireName(), e.getValue()));
            }
        }
        return f;
    }

    /** The fit used for {@code kind}: its own when there is one, else the pooled one. */
    public LinkFit forKind(CommandKind kind) {
        return byKind.getOrDefault(kind, pooled);
    }

    public LinkFit pooled() {
        return pooled;
    }

    /** The per-kind fits, in kind order. */
    public Map<CommandKind, LinkFit> byKind() {
        return Map.copyOf(byKind);
    }

    public double predict(CommandKind kind, long bytes, int world) {
        return forKind(kind).predict(bytes, world);
    }
}
