package dev.baton.actors.training;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.runtime.optim.Comms;
import dev.baton.runtime.optim.MatrixView;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shard plan's layouts from the param table and the model's parameter shapes: NorMuon banks
 * split by the matrices of their view, sharded Adam parameters by rows, replicated ones whole.
 * Layout names are the table's labels.
 */
public final class TableLayouts {
    private TableLayouts() {
    }

    /**
     * @param shapes      allocated shape of every parameter, by parameter name (e.g. "mlp_bank")
     * @param paddedBanks for banks padded to split evenly: label to the leading entries the model
     *                    uses (the record: {@code mlp} uses 11 of its layers); the matrices of one
     *                    leading entry are the padding unit. Other banks split as they are.
     */
    public static List<ParamLayout> of(ParamTable table, Map<String, Shape> shapes, Map<String, Integer> paddedBanks) {
        List<ParamLayout> out = new ArrayList<>();
        for (ParamEntry e : table.inScatterOrder()) {
            Shape shape = shapes.get(e.param());
            if (shape == null) {
                throw new IllegalArgumentException("the model has no parameter " + e.param() + " (param table label "
                        + e.label() + "); it has " + shapes.keySet());
            }
            if (e.comms() == Comms.REPLICATED) {
                out.add(new ParamLayout.Replicated(e.label(), shape));
            } else if (!e.isAdam()) {
                MatrixView v = e.matrixView(shape);
                Integer used = paddedBanks.get(e.label());
                if (used == null) {
                    out.add(ParamLayout.Bank.unpadded(e.label(), shape, v.rows(), v.cols()));
                } else {
                    int perEntry = v.count() / shape.dim(0);
                    out.add(new ParamLayout.Bank(e.label(), shape, v.rows(), v.cols(), used * perEntry, perEntry));
                }
            } else {
                out.add(new ParamLayout.Rows(e.label(), shape));
            }
        }
        return out;
    }
}
