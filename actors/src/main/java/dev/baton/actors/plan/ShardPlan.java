package dev.baton.actors.plan;

import dev.baton.runtime.optim.ShardSlice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which rank owns which matrices or rows of every sharded parameter, for a world of W ranks.
 * Pure and immutable; computed from the parameters' layouts and W, never hard-coded for 8.
 *
 * <p>The split rule, for any parameter: contiguous ranges in rank order, the first {@code n mod W}
 * ranks taking one unit more ({@link ShardSlice#even}, the optimizer's own rule). When W divides
 * n this is the record's even chunks (attention 40/8 = 5 matrices per rank, value embeddings
 * 50304/8 = 6288 rows); otherwise counts differ by at most one (attention 40 over 3 ranks: 14,
 * 13, 13) and a rank may own nothing (6 rows over 8 ranks: the last two own none). Uneven row splits are not padded: the in-process collectives take any partition,
 * and an NCCL backend runs an uneven partition as grouped reduce/broadcast calls.
 *
 * <p>Padded banks (the MLP bank, {@code padUnit} > 0) must split evenly, as in the record, so that
 * every rank does the same NorMuon work: the bank has to be allocated with at least
 * {@link #paddedMatrices} matrices. A bank allocated with more padding than needed (the record's
 * 12 layers at W = 2) is accepted when it still splits evenly; one that does not (12 layers at
 * W = 5) is refused with a message giving the allocation to use.
 */
public final class ShardPlan {
    private final int world;
    private final Map<String, ParamShards> params;

    private ShardPlan(int world, Map<String, ParamShards> params) {
        this.world = world;
        this.params = Collections.unmodifiableMap(params);
    }

    /** The plan for these parameters (any order) over {@code world} ranks. */
    public static ShardPlan of(List<? extends ParamLayout> layouts, int world) {
        if (world < 1) {
            throw new IllegalArgumentException("world size must be at least 1, got " + world);
        }
        Map<String, ParamShards> map = new LinkedHashMap<>();
        for (ParamLayout p : layouts) {
            if (p instanceof ParamLayout.Bank b && b.padUnit() > 0) {
                int need = paddedMatrices(b.usedMatrices(), b.padUnit(), world);
                if (b.units() % world != 0 || b.units() < need) {
                    throw new IllegalArgumentException("bank '" + b.name() + "' has " + b.units()
                            + " matrices, which do not split evenly over " + world + " devices: allocate it with "
                            + need + " matrices (" + need / b.padUnit() + " units of " + b.padUnit()
                            + ", ShardPlan.paddedMatrices(" + b.usedMatrices() + ", " + b.padUnit() + ", " + world + "))");
                }
            }
            ParamShards s = new ParamShards(p, p.sharded() ? new Partition(split(p.units(), world), p.unitElements()) : null);
            if (map.putIfAbsent(p.name(), s) != null) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' appears twice in the shard plan");
            }
        }
        return new ShardPlan(world, map);
    }

    /** The balanced split of {@code units} over {@code world} ranks, in rank order (the optimizer's {@link ShardSlice#even}). */
    public static List<ShardRange> split(int units, int world) {
        List<ShardRange> out = new ArrayList<>(world);
        for (int r = 0; r < world; r++) {
            ShardSlice s = ShardSlice.even(units, world, r);
            out.add(new ShardRange(s.start(), s.end()));
        }
        return out;
    }

    /** The optimizer's view of the units {@code rank} owns of {@code name}. */
    public ShardSlice slice(String name, int rank) {
        ParamShards s = param(name);
        ShardRange r = s.owned(rank);
        return new ShardSlice(r.start(), r.count(), s.layout().units());
    }

    /**
     * The smallest matrix count {@code >= used} that is a whole number of padding units and a
     * multiple of {@code world}: the MLP bank of 11 layers (22 matrices, unit 2) needs 24 at
     * W = 8, 3 and 4, 22 at W = 1 and 2, 30 at W = 5.
     */
    public static int paddedMatrices(int used, int padUnit, int world) {
        if (padUnit <= 0 || world <= 0) {
            throw new IllegalArgumentException("padding unit and world size must be positive");
        }
        long step = lcm(padUnit, world);
        return (int) ((used + step - 1) / step * step);
    }

    /** {@link #paddedMatrices} in padding units, e.g. MLP layers to allocate: 12 for 11 layers at W = 8. */
    public static int paddedUnits(int usedUnits, int padUnit, int world) {
        return paddedMatrices(usedUnits * padUnit, padUnit, world) / padUnit;
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    public int world() {
        return world;
    }

    public ParamShards param(String name) {
        ParamShards s = params.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' in the shard plan; known: " + params.keySet());
        }
        return s;
    }

    public boolean contains(String name) {
        return params.containsKey(name);
    }

    /** Every parameter's distribution, in the order the layouts were given. */
    public Map<String, ParamShards> params() {
        return params;
    }

    /** The units of {@code name} that {@code rank} owns. */
    public ShardRange owned(String name, int rank) {
        return param(name).owned(rank);
    }
}
