package dev.baton.runtime.model.golf;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which the golf model runs its blocks, and the U-net pairing over that order: the
 * baseline's plain order, or the record's looped one (depth recurrence) where layers
 * {@code loopStart..loopEnd} run {@code loops + 1} times with shared weights, e.g. 11 layers looping
 * 3..5 twice more give {@code [0,1,2, 3,4,5, 3,4,5, 3,4,5, 6..10]}. In either order the first half
 * of the positions push their output for a skip and decoder position j pops it into
 * {@code skip_weights[j]}, last pushed first, for j below min(encoder, decoder).
 *
 * <p>Each position runs a block instance (its own activation buffers, the weights of its physical
 * layer). The looped order uses one instance per position; the plain order reuses the instance of
 * each layer's first occurrence, so switching orders allocates nothing. With the Universal
 * Transformer configured the plan is empty (its shared stack runs instead).
 */
final class GolfLayerPlan {
    /**
     * One position of the order: which block instance runs, for which layer, its skip, and whether it
     * is a dual-lane parallel block.
     */
    record Position(int instance, int layer, int skipIndex, int skipSource, boolean parallel) {
    }

    private final List<Position> plain;
    private final List<Position> looped;
    private final boolean[] plainPushes;
    private final boolean[] loopedPushes;
    private final int[] instanceLayers;
    private final int parallelStart;

    GolfLayerPlan(GolfConfig config) {
        GolfArchitecture a = config.arch();
        this.parallelStart = a.parallelStart();
        // the Universal Transformer's shared stack replaces the layers: an empty plan
        int layers = config.universal() != null ? 0 : config.numLayers();
        List<Integer> loopedLayers = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            loopedLayers.add(i);
            if (a.recurrent() && i == a.loopEnd()) {
                for (int pass = 0; pass < a.loops(); pass++) {
                    for (int j = a.loopStart(); j <= a.loopEnd(); j++) {
                        loopedLayers.add(j);
                    }
                }
            }
        }
        instanceLayers = loopedLayers.stream().mapToInt(Integer::intValue).toArray();
        int[] firstInstance = new int[layers];
        for (int pos = instanceLayers.length - 1; pos >= 0; pos--) {
            firstInstance[instanceLayers[pos]] = pos;
        }
        int[] plainInstances = new int[layers];
        for (int i = 0; i < layers; i++) {
            plainInstances[i] = firstInstance[i];
        }
        int[] loopedInstances = new int[instanceLayers.length];
        for (int pos = 0; pos < loopedInstances.length; pos++) {
            loopedInstances[pos] = pos;
        }
        this.plain = order(plainInstances);
        this.looped = a.recurrent() ? order(loopedInstances) : plain;
        this.plainPushes = pushes(plain);
        this.loopedPushes = pushes(looped);
    }

    private List<Position> order(int[] instances) {
        int n = instances.length;
        int enc = n / 2;
        int skips = Math.min(enc, n - enc);
        List<Position> out = new ArrayList<>(n);
        for (int pos = 0; pos < n; pos++) {
            int j = pos - enc;
            boolean takes = j >= 0 && j < skips;
            int layer = instanceLayers[instances[pos]];
            boolean parallel = parallelStart > 0 && layer >= parallelStart;
            // the lanes merge only at the end and never feed a skip: a suffix of decoder positions
            if (parallel && pos < enc || pos > 0 && out.get(pos - 1).parallel() && !parallel) {
                throw new IllegalArgumentException("dual-lane parallel residuals from layer " + parallelStart
                        + " must cover the last positions of the decoder; the layer order " + java.util.Arrays.toString(
                        java.util.Arrays.stream(instances).map(i -> instanceLayers[i]).toArray()) + " has an encoder or "
                        + "an earlier position among them (raise the parallel start layer)");
            }
            out.add(new Position(instances[pos], layer, takes ? j : -1, takes ? enc - 1 - j : -1, parallel));
        }
        return List.copyOf(out);
    }

    /** The positions to run: the looped order when looping is on (and configured), else the plain one. */
    List<Position> positions(boolean looping) {
        return looping ? looped : plain;
    }

    /** Per position of the order that runs: whether its output feeds a later position's skip. */
    boolean[] pushesSkip(boolean looping) {
        return looping ? loopedPushes : plainPushes;
    }

    private static boolean[] pushes(List<Position> order) {
        boolean[] pushed = new boolean[order.size()];
        for (Position p : order) {
            if (p.skipSource() >= 0) {
                pushed[p.skipSource()] = true;
            }
        }
        return pushed;
    }

    /** Block instances to build, each running the physical layer this gives. */
    int[] instanceLayers() {
        return instanceLayers.clone();
    }

    /** Whether instance {@code i} runs a dual-lane parallel block. */
    boolean parallel(int instance) {
        return parallelStart > 0 && instanceLayers[instance] >= parallelStart;
    }

    /** The longest order's length: skip and output slots to allocate. */
    int maxPositions() {
        return looped.size();
    }
}
