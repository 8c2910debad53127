package dev.baton.actors.training;

import dev.baton.actors.work.BatchSource;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.data.BatchLoader;
import dev.baton.runtime.data.LoaderState;
import dev.baton.runtime.data.StepPlan;
import dev.baton.runtime.data.ValLoader;
import dev.baton.runtime.schedule.TrainingSchedule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The run's data from the runtime's loaders: each step plans the schedule's batch size with the
 * {@link BatchLoader} (built for this run's W and accumulation) and hands out every rank's
 * micro-batches; validation reads {@code valSteps} steps of the {@link ValLoader} from its start.
 * The loader position is checkpointed as epoch, shard and cursor.
 */
public final class LoaderBatchSource implements BatchSource {
    private final Function<LoaderState, BatchLoader> loaders;
    private final TrainingSchedule schedule;
    private final ValLoader validation;
    private final int valSteps;
    private BatchLoader loader;

    /**
     * @param loaders    makes a loader that continues from a position (the start, or a checkpoint's)
     * @param validation the validation loader, or null for none
     */
    public LoaderBatchSource(Function<LoaderState, BatchLoader> loaders, TrainingSchedule schedule, ValLoader validation,
                             int valSteps) {
        this.loaders = loaders;
        this.schedule = schedule;
        this.validation = validation;
        this.valSteps = valSteps;
        this.loader = loaders.apply(LoaderState.START);
    }

    @Override
    public Batch[][] next(long step, int world) {
        if (loader.worldSize() != world) {
            throw new IllegalStateException("the loader was built for " + loader.worldSize() + " ranks but the run has " + world);
        }
        return batches(loader.nextStep(schedule.batchTokens(Math.toIntExact(step))));
    }

    @Override
    public Batch[][] validation(int world) {
        if (validation == null || valSteps == 0) {
            return new Batch[0][];
        }
        validation.reset();
        Batch[][] out = null;
        int k = 0;
        for (int s = 0; s < valSteps; s++) {
            Batch[][] step = batches(validation.nextStep());
            if (out == null) {
                out = new Batch[valSteps * step.length][];
            }
            for (Batch[] micro : step) {
                out[k++] = micro;
            }
        }
        return out;
    }

    private static Batch[][] batches(StepPlan plan) {
        Batch[][] out = new Batch[plan.accumSteps()][plan.worldSize()];
        for (int a = 0; a < plan.accumSteps(); a++) {
            for (int r = 0; r < plan.worldSize(); r++) {
                out[a][r] = plan.batch(a, r);
            }
        }
        return out;
    }

    @Override
    public Map<String, Long> position() {
        LoaderState s = loader.state();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("epoch", (long) s.epoch());
        m.put("shard", (long) s.shardIndex());
        m.put("cursor", (long) s.cursor());
        return m;
    }

    @Override
    public void restore(Map<String, Long> position) {
        for (String k : new String[] {"epoch", "shard", "cursor"}) {
            if (!position.containsKey(k)) {
                throw new IllegalArgumentException("the checkpoint's data position lacks '" + k + "': " + position);
            }
        }
        loader = loaders.apply(new LoaderState(position.get("epoch").intValue(), position.get("shard").intValue(),
                position.get("cursor").intValue()));
    }
}
