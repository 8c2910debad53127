package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.CommandKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Steps and cost models made up in code for the tuner's and the projection's tests: sharded
 * parameters with given reduce-scatter bytes and update times, one fwd/bwd, a link of given
 * latency and bandwidth, no stream overheads.
 */
final class SyntheticSteps {
    /** A parameter: ring bytes of its reduce-scatter (and all-gather) and its update time (µs). */
    record Param(String label, long bytes, double updateMicros) {
    }

    private SyntheticSteps() {
    }

    static StepShape shape(int world, List<Param> params) {
        List<ParamTraffic> traffic = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Param p : params) {
            traffic.add(new ParamTraffic(p.label(), CommandKind.REDUCE_SCATTER, p.bytes(), true, p.bytes()));
            labels.add(p.label());
        }
        return new StepShape(1, world, 1, true, traffic, labels, null, null, null,
                new ScheduleOrders(labels, labels, List.of()));
    }

    /** fwd/bwd of {@code fbMicros}; collectives {@code latency + bytes * perByte}, fitted from two exact points. */
    static CostModel cost(List<Param> params, double fbMicros, double latency, double perByte) {
        Map<String, Double> compute = new LinkedHashMap<>();
        compute.put(CostModel.computeKey(CommandKind.FORWARD_BACKWARD, "", -1), fbMicros);
        for (Param p : params) {
            compute.put(CostModel.computeKey(CommandKind.UPDATE, p.label(), -1), p.updateMicros());
        }
        List<CollectivePoint> points = List.of(
                new CollectivePoint(CommandKind.REDUCE_SCATTER, 2, 0, latency, 1, "made up"),
                new CollectivePoint(CommandKind.REDUCE_SCATTER, 2, 1_000_000, latency + perByte * 1_000_000, 1, "made up"));
        return new CostModel(compute, Map.of(), CollectiveFits.of(points), Map.of(), Map.of(0, 0.0), points);
    }
}
