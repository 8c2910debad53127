package dev.baton.runtime.golf.quant;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.MatrixInputTap;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * GPTQ's calibration: {@code H = Σ XᵀX} over the inputs X (T, in) of each matrix, accumulated on the
 * backend with one matmul per observed input ({@code beta = 1}), from evaluation forwards over
 * batches of training tokens. Weights that read the same input (c_q, c_k, c_v) share one Hessian.
 * Owns the backend buffers until {@link #close}.
 */
public final class HessianCollector implements MatrixInputTap, AutoCloseable {
    private final Ops ops;
    private final Map<List<String>, Tensor> sums = new LinkedHashMap<>();
    private long rows;

    public HessianCollector(Ops ops) {
        this.ops = ops;
    }

    /**
     * Runs {@code count} evaluation forwards of the batches {@code batches} gives (training tokens,
     * e.g. {@code () -> stream.nextBatch(tokens, 1, 0, 1)}) through {@code gpt} and returns every
     * matrix's Hessian (float64, in x in, row-major).
     */
    public static Map<String, double[]> collect(Ops ops, GolfGpt gpt, Supplier<Batch> batches, int count) {
        try (HessianCollector c = new HessianCollector(ops)) {
            for (int b = 0; b < count; b++) {
                Batch batch = batches.get();
                gpt.evaluate(batch.inputs(), batch.targets(), c);
            }
            return c.hessians();
        }
    }

    @Override
    public void observe(List<String> weights, Tensor input) {
        int in = input.shape().dim(1);
        Tensor h = sums.computeIfAbsent(List.copyOf(weights), k -> {
            Tensor t = ops.allocate(Shape.of(in, in), DType.F32);
            ops.fill(t, 0f);
            return t;
        });
        if (input.dtype() == DType.F32) {
            ops.matmul(input, true, input, false, h, 1f, 1f);
        } else {
            // accumulate in fp32 whatever the activation type is
            try (Tensor x = ops.upload(ops.download(input), input.shape(), DType.F32)) {
                ops.matmul(x, true, x, false, h, 1f, 1f);
            }
        }
        rows += input.shape().dim(0);
    }

    /** Rows observed over all inputs (for reports). */
    public long rows() {
        return rows;
    }

    /** Each observed weight's Hessian, downloaded; weights sharing an input share the array. */
    public Map<String, double[]> hessians() {
        Map<String, double[]> out = new HashMap<>();
        for (Map.Entry<List<String>, Tensor> e : sums.entrySet()) {
            float[] f = ops.download(e.getValue());
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            for (String name : e.getKey()) {
                out.put(name, d);
            }
        }
        return out;
    }

    @Override
    public void close() {
        sums.values().forEach(Tensor::close);
        sums.clear();
    }
}
