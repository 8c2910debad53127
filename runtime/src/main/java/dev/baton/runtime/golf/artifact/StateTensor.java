package dev.baton.runtime.golf.artifact;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One named entry of a model's state as host fp32 values (a {@code state_dict} item): the unit the
 * artifact quantises and restores. {@code dtype} is the type the tensor has in the model (F32, BF16
 * or F16); the values are always fp32, already rounded to that type's precision when it is narrower.
 */
public record StateTensor(String name, int[] shape, DType dtype, float[] values) {
    public StateTensor {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a state tensor needs a name");
        }
        if (dtype != DType.F32 && dtype != DType.BF16 && dtype != DType.F16) {
            throw new IllegalArgumentException("state tensor " + name + " has type " + dtype
                    + "; the golf artifact stores F32, BF16 and F16 tensors");
        }
        long numel = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("state tensor " + name + " has a negative dimension " + Arrays.toString(shape));
            }
            numel *= d;
        }
        if (numel != values.length) {
            throw new IllegalArgumentException("state tensor " + name + " of shape " + Arrays.toString(shape) + " has "
                    + values.length + " values");
        }
        shape = shape.clone();
    }

    public int numel() {
        return values.length;
    }

    /** Downloads every parameter of {@code params} (in their order) from the backend that holds them. */
    public static List<StateTensor> of(Ops ops, ParamSet params) {
        List<StateTensor> out = new ArrayList<>();
        for (Param p : params.all()) {
            int[] shape = p.value().shape().dims();
            out.add(new StateTensor(p.name(), shape, p.value().dtype(), ops.download(p.value())));
        }
        return out;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + ":" + dtype;
    }
}
