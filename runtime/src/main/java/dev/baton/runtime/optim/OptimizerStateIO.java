package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Moves the optimizer's device state to and from host {@link StateTensor}s under checkpoint
 * names, whole or as this rank's slices.
 */
final class OptimizerStateIO {
    static final String PREFIX = "optim.";
    static final String TIED = PREFIX + "tied";
    static final String SLICE = "slice";

    private final Ops ops;
    private final Map<String, ParamSlot> slots;

    OptimizerStateIO(Ops ops, Map<String, ParamSlot> slots) {
        this.ops = ops;
        this.slots = slots;
    }

    Map<String, StateTensor> export() {
        Map<String, StateTensor> out = new LinkedHashMap<>();
        for (ParamSlot s : slots.values()) {
            String pre = PREFIX + s.entry().label() + ".";
            ShardSlice sl = s.slice();
            out.put(pre + SLICE, StateTensor.ofInts(sl.start(), sl.count(), sl.total()));
            if (s.state() instanceof AdamState a) {
                out.put(pre + "exp_avg", host(a.expAvg()));
                out.put(pre + "exp_avg_sq", host(a.expAvgSq()));
                out.put(pre + "step", StateTensor.ofInts(a.step()));
            } else if (s.state() instanceof NorMuonState n) {
                out.put(pre + "momentum", host(n.momentum()));
                out.put(pre + "second_moment", host(n.secondMoment()));
            }
        }
        return out;
    }

    void importAll(Map<String, StateTensor> in) {
        for (ParamSlot s : slots.values()) {
            String pre = PREFIX + s.entry().label() + ".";
            if (s.state() instanceof AdamState a) {
                load(in, pre, "exp_avg", a.expAvg(), s.slice());
                load(in, pre, "exp_avg_sq", a.expAvgSq(), s.slice());
                a.setStep(require(in, pre + "step").ints()[0]);
            } else if (s.state() instanceof NorMuonState n) {
                load(in, pre, "momentum", n.momentum(), s.slice());
                load(in, pre, "second_moment", n.secondMoment(), s.slice());
            }
        }
    }

    private void load(Map<String, StateTensor> in, String pre, String field, Tensor dst, ShardSlice slice) {
        StateTensor st = require(in, pre + field);
        int[] dims = dst.shape().dims();
        long unit = Shape.of(Arrays.copyOfRange(dims, 1, dims.length)).numel();
        long n = st.floats().length;
        int from;
        if (n == unit * slice.total()) {
            from = (int) (slice.start() * unit);
        } else if (n == unit * slice.count()) {
            StateTensor stored = in.get(pre + SLICE);
            if (stored != null && (stored.ints()[0] != slice.start() || stored.ints()[2] != slice.total())) {
                throw new IllegalArgumentException("optimizer state " + pre + field + " belongs to units ["
                        + stored.ints()[0] + ", " + (stored.ints()[0] + stored.ints()[1]) + ") of " + stored.ints()[2]
                        + " but this rank owns " + slice + "; merge the shards first (OptimizerStateShards.merge)");
            }
            from = 0;
        } else {
            throw new IllegalArgumentException("optimizer state " + pre + field + " has " + n + " values; expected "
                    + unit * slice.total() + " (whole) or " + unit * slice.count() + " (this rank's slice "
                    + slice + ") — was the checkpoint written for another model size?");
        }
        if (dst.numel() == 0) {
            return;
        }
        float[] part = Arrays.copyOfRange(st.floats(), from, from + (int) dst.numel());
        try (Tensor up = ops.upload(part, dst.shape(), DType.F32)) {
            ops.copy(dst, up);
        }
    }

    private StateTensor host(Tensor t) {
        return StateTensor.ofFloats(t.shape(), ops.download(t));
    }

    private static StateTensor require(Map<String, StateTensor> in, String name) {
        StateTensor t = in.get(name);
        if (t == null) {
            throw new IllegalArgumentException("optimizer state lacks " + name
                    + " (was the checkpoint written with another param table?)");
        }
        return t;
    }
}
