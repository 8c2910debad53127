package dev.baton.runtime.golf;

import dev.baton.runtime.golf.artifact.HalfFloat;
import dev.baton.runtime.golf.artifact.StateTensor;
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
 * Exponential moving average of a model's weights, as the golf records keep it for evaluation and
 * export: it starts at the weights, then after every step {@code ema = decay * ema + (1 - decay) * w}
 * in fp32 (the records use decay 0.997 to 0.9965). The averages are fp32 host copies owned by this
 * object; {@link #update} downloads each parameter, which is simple and backend-neutral but costs a
 * device-to-host copy per step on a GPU (a fused on-device update can replace it behind the same API).
 */
public final class WeightEma {
    private final float decay;
    private final float rest;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long updates;

    private record Entry(Shape shape, DType dtype, float[] average) {
    }

    private WeightEma(double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay " + decay + " is not in [0, 1)");
        }
        this.decay = (float) decay;
        this.rest = (float) (1.0 - decay);
    }

    /** An average that starts at the current values of {@code params}. */
    public static WeightEma of(Ops ops, ParamSet params, double decay) {
        WeightEma ema = new WeightEma(decay);
        for (Param p : params.all()) {
            ema.entries.put(p.name(), new Entry(p.value().shape(), p.value().dtype(), ops.download(p.value())));
        }
        return ema;
    }

    public double decay() {
        return decay;
    }

    /** Number of {@link #update} calls so far. */
    public long updates() {
        return updates;
    }

    /** Folds the current weights into the averages: one call per optimizer step. */
    public void update(Ops ops, ParamSet params) {
        for (Param p : params.all()) {
            Entry e = entry(p.name());
            float[] w = ops.download(p.value());
            float[] avg = e.average();
            if (w.length != avg.length) {
                throw new IllegalArgumentException("parameter " + p.name() + " has " + w.length + " values, its average "
                        + avg.length);
            }
            for (int i = 0; i < avg.length; i++) {
                avg[i] = avg[i] * decay + w[i] * rest;
            }
        }
        updates++;
    }

    /** A copy of the average of parameter {@code name}. */
    public float[] average(String name) {
        return entry(name).average().clone();
    }

    /** Writes the averages into the parameters' values (for evaluation; keep a copy to resume training). */
    public void copyTo(Ops ops, ParamSet params) {
        for (Param p : params.all()) {
            Entry e = entry(p.name());
            try (Tensor t = ops.upload(e.average(), e.shape(), e.dtype())) {
                ops.copy(p.value(), t);
            }
        }
    }

    /** The averages as a model state for the golf artifact, rounded to each parameter's type. */
    public List<StateTensor> state() {
        List<StateTensor> out = new ArrayList<>();
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            Entry e = me.getValue();
            float[] v = e.average().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (e.dtype()) {
                    case BF16 -> HalfFloat.roundToBfloat16(v[i]);
                    case F16 -> HalfFloat.roundToHalf(v[i]);
                    default -> v[i];
                };
            }
            out.add(new StateTensor(me.getKey(), e.shape().dims(), e.dtype(), v));
        }
        return out;
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no average for parameter " + name + "; known: " + entries.keySet());
        }
        return e;
    }
}
