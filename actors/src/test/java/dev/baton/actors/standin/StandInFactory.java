package dev.baton.actors.standin;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.tensor.Shape;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Makes the stand-in work of each rank and keeps it reachable so that tests can read the final state. */
public final class StandInFactory implements WorkFactory {
    private final StandInConfig config;
    private final Map<Integer, StandInWork> created = new ConcurrentHashMap<>();

    public StandInFactory(StandInConfig config) {
        this.config = config;
    }

    /**
     * The param table in "record" order: NorMuon banks first, the tied pair last (labels =
     * parameter names; betas and multipliers are not used by the stand-in's own update).
     */
    public static ParamTable table() {
        List<ParamEntry> e = List.of(
                ParamEntry.normuon("wide", "wide", Comms.SHARDED, 1, 1, 1, List.of(1.0)),
                ParamEntry.normuon("bank", "bank", Comms.SHARDED, 1, 1, 1, List.of(1.0)),
                ParamEntry.adam("rep", "rep", Comms.REPLICATED, 0.8, 0.95, 1, 0),
                ParamEntry.adam("rows", "rows", Comms.SHARDED, 0.8, 0.95, 1, 0),
                ParamEntry.adam("lm_head", "lm_head", Comms.SHARDED, 0.8, 0.95, 1, 0),
                ParamEntry.adam("embed", "embed", Comms.SHARDED, 0.8, 0.95, 1, 0));
        List<String> order = e.stream().map(ParamEntry::label).toList();
        return new ParamTable(e, order, order, Optional.of(EmbeddingTie.record()));
    }

    /** Labels in table order. */
    public static List<String> labels() {
        return table().scatterOrder();
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
