package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter-golf baseline's three optimizers over one model: {@link Muon} for the block
 * matrices, and PyTorch Adam (β 0.9/0.95, ε 1e-8, no weight decay) for the scalar parameters and
 * for the token embedding, each group with its own lr; every parameter updates on every step.
 *
 * <p>Adam runs through {@link OptimizerKernels#adam}, whose ε sits outside the bias correction
 * (the record's form); torch's {@code m̂ / (√v̂ + ε)} is the same update with ε·√(1−β2ᵗ) there
 * and step size lr·√(1−β2ᵗ)/(1−β1ᵗ), which is what is passed.
 *
 * <p>On one device {@link #step} does everything; a distributed runtime calls {@link #update} per
 * parameter with the reduced gradient, then {@link #clearGradients}.
 */
public final class MuonAndAdam implements AutoCloseable {
    /** Which rule and lr a parameter gets. */
    public enum Group {
        MATRIX, SCALAR, EMBED
    }

    private record Slot(Param param, Group group, Muon.State muon, AdamState adam) {
    }

    private final Ops ops;
    private final OptimizerKernels kernels;
    private final MuonAndAdamConfig config;
    private final Muon muon;
    private final Map<String, Slot> slots = new LinkedHashMap<>();

    /**
     * @param groups every parameter of {@code params}, by name, to its group (the golf model's
     *               split is {@code GolfParams.groups})
     */
    public MuonAndAdam(ParamSet params, Map<String, Group> groups, Ops ops, OptimizerKernels kernels,
                       MuonAndAdamConfig config) {
        this.ops = ops;
        this.kernels = kernels;
        this.config = config;
        this.muon = new Muon(ops, kernels, config.newtonSchulzSteps());
        List<String> problems = new ArrayList<>();
        for (Param p : params.all()) {
            if (!groups.containsKey(p.name())) {
                problems.add(p.name() + " has no optimizer group");
            }
        }
        groups.forEach((name, group) -> {
            if (!params.contains(name)) {
                problems.add("group names " + name + ", which the model does not have");
            } else if (group == Group.MATRIX && params.get(name).value().shape().rank() != 2) {
                problems.add(name + " " + params.get(name).value().shape() + " is not a matrix for Muon");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("optimizer groups do not match the model: " + String.join("; ", problems));
        }
        for (Param p : params.all()) {
            Group g = groups.get(p.name());
            Shape s = p.value().shape();
            slots.put(p.name(), g == Group.MATRIX
                    ? new Slot(p, g, muon.newState(s.dim(0), s.dim(1)), null)
                    : new Slot(p, g, null, new AdamState(ops, s)));
        }
    }

    public MuonAndAdamConfig config() {
        return config;
    }

    /** The base lr of a group before the schedule's factor. */
    public double baseLr(Group group) {
        return switch (group) {
            case MATRIX -> config.matrixLr();
            case SCALAR -> config.scalarLr();
            case EMBED -> config.embedLr();
        };
    }

    /**
     * One device's whole step after backward: every parameter from its local gradient, then the
     * gradients cleared.
     *
     * @param step    the 0-based training step (drives Muon's momentum warm-up)
     * @param lrScale the schedule's factor on every base lr (the warm-down)
     */
    public void step(long step, double lrScale) {
        for (Slot s : slots.values()) {
            update(s.param().name(), s.param().grad(), step, lrScale);
        }
        clearGradients();
    }

    /** Updates parameter {@code name} from {@code grad} (its averaged gradient, same shape; only read). */
    public void update(String name, Tensor grad, long step, double lrScale) {
        Slot s = slot(name);
        Tensor p = s.param().value();
        if (grad.numel() != p.numel()) {
            throw new IllegalArgumentException("gradient " + grad.shape() + " does not fit " + name + " " + p.shape());
        }
        double lr = baseLr(s.group()) * lrScale;
        if (s.group() == Group.MATRIX) {
            muon.update(p, grad.view(p.shape()), s.muon(), lr, config.momentumAt(step), true);
            return;
        }
        AdamState a = s.adam();
        a.setStep(a.step() + 1);
        double bias1 = 1 - Math.pow(config.beta1(), a.step());
        double bias2 = Math.sqrt(1 - Math.pow(config.beta2(), a.step()));
        kernels.adam(p, grad.view(p.shape()), a.expAvg(), a.expAvgSq(), (float) config.beta1(),
                (float) (1 - config.beta1()), (float) config.beta2(), (float) (1 - config.beta2()),
                (float) (config.eps() * bias2), (float) (lr * bias2 / bias1), 0f);
    }

    /** Zeroes every parameter's gradient. */
    public void clearGradients() {
        for (Slot s : slots.values()) {
            ops.fill(s.param().grad(), 0f);
        }
    }

    /** The group of parameter {@code name}. */
    public Group group(String name) {
        return slot(name).group();
    }

    /**
     * Host copies of the state under checkpoint names: {@code optim.<name>.momentum} (Muon),
     * {@code optim.<name>.exp_avg}, {@code .exp_avg_sq} and {@code .step} (Adam).
     */
    public Map<String, StateTensor> exportState() {
        Map<String, StateTensor> out = new LinkedHashMap<>();
        for (Slot s : slots.values()) {
            String pre = "optim." + s.param().name() + ".";
            if (s.muon() != null) {
                out.put(pre + "momentum", host(s.muon().momentum()));
            } else {
                out.put(pre + "exp_avg", host(s.adam().expAvg()));
                out.put(pre + "exp_avg_sq", host(s.adam().expAvgSq()));
                out.put(pre + "step", StateTensor.ofInts(s.adam().step()));
            }
        }
        return out;
    }

    /** Restores what {@link #exportState} wrote for the same model. */
    public void importState(Map<String, StateTensor> state) {
        for (Slot s : slots.values()) {
            String pre = "optim." + s.param().name() + ".";
            if (s.muon() != null) {
                load(state, pre + "momentum", s.muon().momentum());
            } else {
                load(state, pre + "exp_avg", s.adam().expAvg());
                load(state, pre + "exp_avg_sq", s.adam().expAvgSq());
                s.adam().setStep(require(state, pre + "step").ints()[0]);
            }
        }
    }

    private StateTensor host(Tensor t) {
        return StateTensor.ofFloats(t.shape(), ops.download(t));
    }

    private void load(Map<String, StateTensor> state, String name, Tensor dst) {
        StateTensor st = require(state, name);
        if (st.floats() == null || st.floats().length != dst.numel()) {
            throw new IllegalArgumentException("optimizer state " + name + " has shape " + st.shape() + ", this model needs "
                    + dst.shape());
        }
        try (Tensor up = ops.upload(st.floats(), dst.shape(), DType.F32)) {
            ops.copy(dst, up);
        }
    }

    private static StateTensor require(Map<String, StateTensor> state, String name) {
        StateTensor t = state.get(name);
        if (t == null) {
            throw new IllegalArgumentException("optimizer state lacks " + name + " (written for another model?)");
        }
        return t;
    }

    private Slot slot(String name) {
        Slot s = slots.get(name);
        if (s == null) {
            throw new IllegalArgumentException("optimizer has no parameter " + name);
        }
        return s;
    }

    @Override
    public void close() {
        for (Slot s : slots.values()) {
            if (s.muon() != null) {
                s.muon().close();
            } else {
                s.adam().close();
            }
        }
    }
}
