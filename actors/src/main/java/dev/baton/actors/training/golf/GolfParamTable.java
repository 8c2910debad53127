package dev.baton.actors.training.golf;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.MuonAndAdamConfig;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The golf baseline's param table for the actors: one sharded entry per Muon bank (reduce-scatter,
 * whole matrices per rank, Muon on the owned ones, all-gather) and one replicated entry per Adam
 * parameter (all-reduce, every rank updates it whole), labelled by bank label and state_dict name.
 * No tie: the baseline's head reads the embedding itself. Banks are launched first (their
 * Newton–Schulz work is the longest) and updated last, small Adam tensors in between, as the
 * record orders its table.
 *
 * <p>Bank entries carry the kind {@code NORMUON} because that is what marks a matrix bank to the
 * shared table; the golf work updates them with the baseline's Muon ({@code GolfDeviceWork}). The
 * entries' betas and lr are the configuration's, for the record: the work reads
 * {@link MuonAndAdamConfig} itself.
 */
public final class GolfParamTable {
    private GolfParamTable() {
    }

    /** The table of {@code config}'s banks and Adam parameters. */
    public static ParamTable of(GolfConfig config, MuonAndAdamConfig optim) {
        List<ParamEntry> entries = new ArrayList<>();
        List<String> banks = new ArrayList<>();
        List<String> adam = new ArrayList<>();
        for (GolfMatrixBanks.Bank b : GolfMatrixBanks.of(config)) {
            entries.add(ParamEntry.normuon(b.label(), b.label(), Comms.SHARDED, 1.0, 0.0, 1, List.of(1.0)));
            banks.add(b.label());
        }
        for (String name : GolfMatrixBanks.adamParams(config)) {
            double lr = name.equals(GolfParams.TOK_EMB) ? optim.embedLr() : optim.scalarLr();
            entries.add(ParamEntry.adam(name, name, Comms.REPLICATED, optim.beta1(), optim.beta2(), lr, 0.0));
            adam.add(name);
        }
        List<String> scatter = new ArrayList<>(banks);
        scatter.addAll(adam);
        List<String> work = new ArrayList<>(adam);
        work.addAll(banks);
        return new ParamTable(entries, scatter, work, Optional.empty());
    }

    /** The shard plan's layouts: banks split by whole matrices (unpadded), Adam parameters replicated. */
    public static List<ParamLayout> layouts(GolfConfig config) {
        List<ParamLayout> out = new ArrayList<>();
        for (GolfMatrixBanks.Bank b : GolfMatrixBanks.of(config)) {
            out.add(ParamLayout.Bank.unpadded(b.label(), b.shape(), b.rows(), b.cols()));
        }
        for (String name : GolfMatrixBanks.adamParams(config)) {
            out.add(new ParamLayout.Replicated(name, GolfParams.shapes(config).get(name)));
        }
        return out;
    }
}
