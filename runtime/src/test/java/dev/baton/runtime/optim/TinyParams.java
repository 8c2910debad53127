package dev.baton.runtime.optim;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** A tiny parameter set with the record's names and layouts (d = 8, V = 24, 2 attention layers, 3 MLP entries). */
final class TinyParams {
    static final int D = 8;
    static final int V = 24;

    static final Map<String, Shape> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("embed", Shape.of(V, D));
        SHAPES.put("value_embeds.0", Shape.of(V, D));
        SHAPES.put("value_embeds.1", Shape.of(V, D));
        SHAPES.put("value_embeds.2", Shape.of(V, D));
        SHAPES.put("attn_bank", Shape.of(2, 4 * D, D));      // view (8, 8, 8)
        SHAPES.put("mlp_bank", Shape.of(3, 2, 4 * D, D));    // view (6, 32, 8): tall matrices
        SHAPES.put("lm_head", Shape.of(D, V));
        SHAPES.put("scalars", Shape.of(40));
        SHAPES.put("x0_lambdas", Shape.of(11));
        SHAPES.put("smear_gate", Shape.of(1, 12));
        SHAPES.put("skip_gate", Shape.of(1, 12));
        SHAPES.put("attn_gate_bank", Shape.of(2, 4, 12));
        SHAPES.put("ve_gate_bank", Shape.of(5, 4, 12));
    }

    private TinyParams() {
    }

    /** Random weights (tied: embed = lm_headᵀ) and zero gradients. */
    static ParamSet create(Ops ops, long seed) {
        Random r = new Random(seed);
        ParamSet set = new ParamSet();
        float[] head = null;
        for (var e : SHAPES.entrySet()) {
            float[] v = gaussian(r, (int) e.getValue().numel(), 0.5f);
            if (e.getKey().equals("lm_head")) {
                head = v;
            }
            set.add(new Param(e.getKey(), ops.upload(v, e.getValue(), DType.F32), ops.allocate(e.getValue(), DType.F32)));
        }
        // tie: embed[v][d] = lm_head[d][v]
        float[] embed = new float[V * D];
        for (int v = 0; v < V; v++) {
            for (int d = 0; d < D; d++) {
                embed[v * D + d] = head[d * V + v];
            }
        }
        ops.copy(set.get("embed").value(), ops.upload(embed, Shape.of(V, D), DType.F32));
        return set;
    }

    /** Adds fresh random gradients (as backward would accumulate them) to every parameter. */
    static void addGradients(Ops ops, ParamSet set, long seed) {
        Random r = new Random(seed);
        for (Param p : set.all()) {
            float[] g = ops.download(p.grad());
            float[] add = gaussian(r, g.length, 1f);
            for (int i = 0; i < g.length; i++) {
                g[i] += add[i];
            }
            ops.copy(p.grad(), ops.upload(g, p.grad().shape(), DType.F32));
        }
    }

    static ParamSet copy(Ops ops, ParamSet src) {
        ParamSet set = new ParamSet();
        for (Param p : src.all()) {
            Shape s = p.value().shape();
            set.add(new Param(p.name(), ops.upload(ops.download(p.value()), s, DType.F32),
                    ops.upload(ops.download(p.grad()), s, DType.F32)));
        }
        return set;
    }

    /** The record's table without the tie. */
    static ParamTable untiedRecordTable() {
        ParamTable t = ParamTable.record();
        return new ParamTable(t.inScatterOrder(), t.scatterOrder(), t.workOrder(), Optional.empty());
    }

    static float[] gaussian(Random r, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian() * std;
        }
        return v;
    }

    static List<String> names() {
        return List.copyOf(SHAPES.keySet());
    }
}
