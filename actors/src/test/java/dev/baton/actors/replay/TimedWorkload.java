package dev.baton.actors.replay;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.run.Workload;
import dev.baton.actors.work.BatchSource;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.StepSchedule;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A workload made for schedule experiments: parameters of chosen sizes and update times, a fixed
 * forward/backward time, Adam on every step and no tie, so that every step has the same shape
 * and another order changes only the overlap.
 */
public final class TimedWorkload {
    private TimedWorkload() {
    }

    /**
     * The workload; a step's global batch is {@code microBatches} micro-batches of
     * {@code fbMicros} forward/backward time each, split over the ranks (a multiple of W).
     */
    public static Workload of(List<TimedParam> params, long fbMicros, int microBatches) {
        List<ParamEntry> entries = new ArrayList<>();
        for (TimedParam p : params) {
            entries.add(ParamEntry.adam(p.label(), p.label(), p.comms(), 0.9, 0.95, 1, 0));
        }
        List<String> order = params.stream().map(TimedParam::label).toList();
        ParamTable table = new ParamTable(entries, order, order, Optional.empty());
        WorkFactory factory = new WorkFactory() {
            @Override
            public List<ParamLayout> layouts(int world) {
                List<ParamLayout> out = new ArrayList<>();
                for (TimedParam p : params) {
                    Shape shape = Shape.of(p.rows(), TimedParam.COLS);
                    out.add(p.comms() == Comms.SHARDED ? new ParamLayout.Rows(p.label(), shape)
                            : new ParamLayout.Replicated(p.label(), shape));
                }
                return out;
            }

            @Override
            public DeviceWork create(int rank, ShardPlan plan) {
                return new TimedWork(params, fbMicros * 1000, plan);
            }
        };
        BatchSource data = new BatchSource() {
            private long cursor;

            @Override
            public Batch[][] next(long step, int world) {
                cursor++;
                if (microBatches % world != 0) {
                    throw new IllegalArgumentException(microBatches + " micro-batches do not split over " + world + " ranks");
                }
                Batch[][] out = new Batch[microBatches / world][world];
                for (Batch[] row : out) {
                    Arrays.fill(row, new Batch(new int[] {1}, new int[] {2}, new int[] {0, 1}));
                }
                return out;
            }

            @Override
            public Map<String, Long> position() {
                return Map.of("cursor", cursor);
            }

            @Override
            public void restore(Map<String, Long> position) {
                cursor = position.getOrDefault("cursor", 0L);
            }
        };
        return new Workload(factory, data, table, StepSchedule.everyStep());
    }
}
