package dev.baton.actors.standin;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.scheduler.ParamEntry;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.tensor.Shape;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Makes the stand-in work of each rank and keeps it reachable so that tests can read the final state. */
public final class StandInFactory implements WorkFactory {
    private final StandInConfig config;
    private final Map<Integer, StandInWork> created = new ConcurrentHashMap<>();

    public StandInFactory(StandInConfig config) {
        this.config = config;
    }

    /** The param table in "record" scatter order: NorMuon banks first, tied pair last. */
    public static List<ParamEntry> table() {
        return List.of(ParamEntry.normuon("wide"), ParamEntry.normuon("bank"), ParamEntry.adam("rep"),
                ParamEntry.adam("rows"), ParamEntry.adam("lm_head"), ParamEntry.adam("embed"));
    }

    @Override
    public List<ParamLayout> layouts(int world) {
        int bankMatrices = ShardPlan.paddedMatrices(2 * config.bankLayers(), 2, world);
        return List.of(
                ParamLayout.Bank.unpadded("wide", Shape.of(config.wideMatrices(), config.wideSize(), config.wideSize()),
                        config.wideSize(), config.wideSize()),
                new ParamLayout.Bank("bank", Shape.of(bankMatrices / 2, 2, config.bankRows(), config.bankCols()),
                        config.bankRows(), config.bankCols(), 2 * config.bankLayers(), 2),
                new ParamLayout.Replicated("rep", Shape.of(config.replicated())),
                new ParamLayout.Rows("rows", Shape.of(config.rows(), config.rowCols())),
                new ParamLayout.Rows("lm_head", Shape.of(config.dim(), config.vocab())),
                new ParamLayout.Rows("embed", Shape.of(config.vocab(), config.dim())));
    }

    @Override
    public DeviceWork create(int rank, ShardPlan plan) {
        StandInWork w = new StandInWork(config, rank, plan);
        created.put(rank, w);
        return w;
    }

    /** The work rank {@code rank} created (its buffers stay readable after the run). */
    public StandInWork work(int rank) {
        StandInWork w = created.get(rank);
        if (w == null) {
            throw new IllegalStateException("rank " + rank + " created no work");
        }
        return w;
    }
}
