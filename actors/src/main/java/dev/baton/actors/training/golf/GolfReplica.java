package dev.baton.actors.training.golf;

import dev.baton.runtime.model.PortableInit;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One device's golf weights and gradients laid out for the actors: each Muon bank of
 * {@link GolfMatrixBanks} is one value and one gradient tensor {@code (n, rows, cols)}, and the
 * model's {@link ParamSet} (state_dict names, what {@code GolfGpt} reads) holds views of their
 * matrices, so the collectives move a bank in one call while the model sees its usual parameters.
 * Adam's parameters are plain tensors. Initialised by name from the seed exactly as
 * {@link GolfParams#create}, so every rank and the single-device trainer start from the same
 * values. Owns every buffer.
 */
public final class GolfReplica implements AutoCloseable {
    private final ParamSet params = new ParamSet();
    private final Map<String, Param> banks = new LinkedHashMap<>();
    private final Map<String, GolfMatrixBanks.Bank> bankLayouts = new LinkedHashMap<>();

    /** Allocates and initialises the replica of {@code config} from {@code seed}. */
    public GolfReplica(Ops ops, GolfConfig config, long seed) {
        Map<String, Shape> shapes = GolfParams.shapes(config);
        Map<String, Param> byName = new LinkedHashMap<>();
        for (GolfMatrixBanks.Bank b : GolfMatrixBanks.of(config)) {
            Param bank = new Param(b.label(), ops.allocate(b.shape(), DType.F32), ops.allocate(b.shape(), DType.F32));
            banks.put(b.label(), bank);
            bankLayouts.put(b.label(), b);
            List<String> names = b.names();
            for (int i = 0; i < names.size(); i++) {
                Shape s = Shape.of(b.rows(), b.cols());
                byName.put(names.get(i), new Param(names.get(i), bank.value().narrow(i, 1).view(s),
                        bank.grad().narrow(i, 1).view(s)));
            }
        }
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            Param p = byName.get(e.getKey());
            params.add(p != null ? p : new Param(e.getKey(), ops.allocate(e.getValue(), DType.F32),
                    ops.allocate(e.getValue(), DType.F32)));
        }
        GolfParams.initialize(ops, config, params, new PortableInit(seed));
    }

    /** The model's parameters under state_dict names (matrices are views of the banks). */
    public ParamSet params() {
        return params;
    }

    /** The bank {@code label}'s value and gradient tensors, or null when {@code label} is no bank. */
    public Param bank(String label) {
        return banks.get(label);
    }

    /** The layout of bank {@code label}. */
    public GolfMatrixBanks.Bank bankLayout(String label) {
        return bankLayouts.get(label);
    }

    /** The value (for a bank label, the whole bank) that a table label addresses. */
    public Tensor value(String label) {
        Param b = banks.get(label);
        return b != null ? b.value() : params.get(label).value();
    }

    /** The gradient buffer that a table label addresses. */
    public Tensor gradient(String label) {
        Param b = banks.get(label);
        return b != null ? b.grad() : params.get(label).grad();
    }

    @Override
    public void close() {
        params.close(); // closes the Adam tensors; the matrix views own nothing
        for (Param b : banks.values()) {
            b.value().close();
            b.grad().close();
        }
    }
}
