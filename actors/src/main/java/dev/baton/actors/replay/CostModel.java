package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What the {@link StepSimulator} charges for each command, calibrated from recordings
 * ({@link Calibration}): compute durations by kind, parameter and rank (falling back to all
 * ranks, then to the kind), collective durations after the last rank arrived (the launch as
 * measured when the same launch was recorded at this W, else the {@link CollectiveFits}), the
 * stream overheads (the gap before a command that follows its stream predecessor, and the
 * wake-up after an event from another stream), and when each rank began the step.
 */
public final class CostModel {
    private final Map<String, Double> compute;
    private final Map<String, Double> launches;
    private final CollectiveFits fits;
    private final Map<String, Double> gaps;
    private final Map<Integer, Double> release;
    private final List<CollectivePoint> points;

    CostModel(Map<String, Double> compute, Map<String, Double> launches, CollectiveFits fits, Map<String, Double> gaps,
              Map<Integer, Double> release, List<CollectivePoint> points) {
        // insertion-ordered copies: reports list durations in the order the recordings ran them
        this.compute = Collections.unmodifiableMap(new LinkedHashMap<>(compute));
        this.launches = Collections.unmodifiableMap(new LinkedHashMap<>(launches));
        this.fits = fits;
        this.gaps = Collections.unmodifiableMap(new LinkedHashMap<>(gaps));
        this.release = Collections.unmodifiableMap(new LinkedHashMap<>(release));
        this.points = List.copyOf(points);
    }

    static String computeKey(CommandKind kind, String param, int rank) {
        return kind.wireName() + "|" + param + "|" + rank;
    }

    static String kindKey(CommandKind kind) {
        return kind.wireName() + "|*|-1";
    }

    static String launchKey(CommandKind kind, String param, int world) {
        return kind.wireName() + "|" + param + "|" + world;
    }

    /** Duration of a compute command on {@code rank}; 0 for a kind never measured. */
    public double computeMicros(CommandKind kind, String param, int rank) {
        Double d = compute.get(computeKey(kind, param, rank));
        if (d == null) {
            d = compute.get(computeKey(kind, param, -1));
        }
        if (d == null) {
            d = compute.get(kindKey(kind));
        }
        return d == null ? 0 : d;
    }

    /** Duration of a collective once every rank arrived: as measured for this exact launch, else fitted. */
    public double collectiveMicros(CommandKind kind, String param, long bytes, int world) {
        Double d = launches.get(launchKey(kind, param, world));
        if (d != null) {
            return d;
        }
        return world <= 1 || fits == null ? 0 : fits.predict(kind, bytes, world);
    }

    /** True when {@link #collectiveMicros} answers from a measurement of this very launch. */
    public boolean measured(CommandKind kind, String param, int world) {
        return launches.containsKey(launchKey(kind, param, world));
    }

    /** Overhead before a command whose stream predecessor was the last thing it waited for. */
    public double nextGap(String stream) {
        return gaps.getOrDefault("next|" + stream, 0.0);
    }

    /** Overhead before a command that waited for an event of another stream that fired later. */
    public double wakeGap(String stream) {
        return gaps.getOrDefault("wake|" + stream, 0.0);
    }

    /** When {@code rank} started its step's first command (the mean over ranks for a rank never seen). */
    public double release(int rank) {
        Double r = release.get(rank);
        if (r != null) {
            return r;
        }
        return release.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    /** The fits of the collectives, or null when the recordings moved no bytes (W = 1) and no sweep was given. */
    public CollectiveFits fits() {
        return fits;
    }

    /** The measured launches the fits were made from. */
    public List<CollectivePoint> points() {
        return points;
    }

    /** Compute durations by "kind|param|rank" (rank -1: every rank; param *: the kind), for reports. */
    public Map<String, Double> computeTable() {
        return new LinkedHashMap<>(compute);
    }

    public Map<String, Double> gapTable() {
        return new LinkedHashMap<>(gaps);
    }

    /**
     * The model at another world size: compute durations scaled by {@code factor(kind, param)},
     * per-rank durations and measured launches dropped (ranks and messages differ), release the
     * mean over ranks. The fits stay: they are functions of bytes and W.
     */
    public CostModel atWorld(BiFunction<CommandKind, String, Double> factor) {
        Map<String, Double> scaled = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : compute.entrySet()) {
            String[] k = e.getKey().split("\\|", -1);
            if (!k[2].equals("-1")) {
                continue;
            }
            CommandKind kind = CommandKind.fromWireName(k[0]);
            scaled.put(e.getKey(), e.getValue() * factor.apply(kind, k[1].equals("*") ? null : k[1]));
        }
        double meanRelease = release(-1);
        return new CostModel(scaled, Map.of(), fits, gaps, Map.of(-1, meanRelease), points);
    }
}
