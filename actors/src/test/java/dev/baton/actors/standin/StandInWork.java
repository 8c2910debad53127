package dev.baton.actors.standin;

import dev.baton.actors.plan.ParamShards;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.work.DeviceWork;
import dev.baton.runtime.train.LossSum;
import dev.baton.actors.work.OptimizerState;
import dev.baton.actors.work.StepContext;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.ops.cpu.CpuTensor;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in for Gpt + NorMuonAndAdam with the same shape of work: a quadratic loss per token
 * whose gradient touches one element of every parameter chosen by the token pair (so gradients
 * depend on data and weights), a per-matrix NorMuon-like update (Frobenius normalisation: wrong
 * matrix ownership changes the result), an elementwise Adam with step counters, the tied
 * embed/lm_head pair with the untie, and optional sleeps standing in for compute time.
 */
public final class StandInWork implements DeviceWork {
    private static final float MU = 0.9f;
    private static final float B1 = 0.8f;
    private static final float B2 = 0.95f;

    private final StandInConfig config;
    private final int rank;
    private final ShardPlan plan;
    private final CpuOps ops = new CpuOps(1);
    private final Map<String, CpuTensor> values = new LinkedHashMap<>();
    private final Map<String, CpuTensor> grads = new LinkedHashMap<>();
    private final Map<String, List<OptimizerState>> states = new LinkedHashMap<>();
    private final Map<String, Double> counters = new LinkedHashMap<>();
    private double loss;
    private final String createdOn = Thread.currentThread().getName();
    private volatile String computedOn = "";

    StandInWork(StandInConfig config, int rank, ShardPlan plan) {
        this.config = config;
        this.rank = rank;
        this.plan = plan;
        for (ParamShards s : plan.params().values()) {
            Shape shape = s.layout().shape();
            CpuTensor v = (CpuTensor) ops.allocate(shape, DType.F32);
            float[] a = v.floats();
            int salt = s.name().hashCode();
            for (int i = 0; i < a.length; i++) {
                long h = (i * 2654435761L + salt) & 0xffff;
                a[i] = (h / 65536f - 0.5f) * 0.2f;
            }
            values.put(s.name(), v);
            grads.put(s.name(), (CpuTensor) ops.allocate(shape, DType.F32));
            ShardRange owned = s.owned(rank);
            int n = owned.count();
            List<OptimizerState> st = new ArrayList<>();
            if (s.name().equals("wide") || s.name().equals("bank")) {
                int r = s.name().equals("wide") ? config.wideSize() : config.bankRows();
                int c = s.name().equals("wide") ? config.wideSize() : config.bankCols();
                st.add(new OptimizerState("momentum", ops.allocate(Shape.of(n, r, c), DType.F32), true));
                st.add(new OptimizerState("rowvar", ops.allocate(Shape.of(n, r), DType.F32), true));
            } else {
                Shape ss = s.sharded() ? shape.withLeading(n) : shape;
                st.add(new OptimizerState("exp_avg", ops.allocate(ss, DType.F32), s.sharded()));
                st.add(new OptimizerState("exp_avg_sq", ops.allocate(ss, DType.F32), s.sharded()));
                counters.put("t." + s.name(), 0.0);
            }
            states.put(s.name(), st);
        }
        copyTiedWeights(EmbeddingTie.record()); // tied init: embed = lm_head^T
    }

    @Override
    public Ops ops() {
        return ops;
    }

    @Override
    public Tensor value(String param) {
        return values.get(param);
    }

    @Override
    public Tensor gradient(String param) {
        return grads.get(param);
    }

    /** The thread that created this work (the worker's) and the one that last ran a forward (its compute stream's). */
    public List<String> threads() {
        return List.of(createdOn, computedOn);
    }

    /** A copy of the used part of a parameter (padding excluded), for comparisons. */
    public float[] used(String param) {
        ParamShards s = plan.param(param);
        int n = (int) (s.layout().usedUnits() * s.layout().unitElements());
        float[] out = new float[n];
        System.arraycopy(values.get(param).floats(), 0, out, 0, n);
        return out;
    }

    @Override
    public void forwardBackward(Batch batch, float lossScale, StepContext ctx) {
        if (ctx.step() == config.failStep() && rank == config.failRank()) {
            throw new IllegalStateException("injected fault in forward_backward at step " + ctx.step() + " on rank " + rank);
        }
        pause(config.fbNanos());
        computedOn = Thread.currentThread().getName();
        int t = batch.length();
        double l = 0;
        float g = lossScale / t;
        for (int i = 0; i < t; i++) {
            int tok = batch.inputs()[i];
            int tgt = batch.targets()[i];
            float y = (Math.floorMod(tgt * 7 + tok * 3, 11) - 5) / 10f;
            for (String p : values.keySet()) {
                int j = index(p, tok, tgt);
                float e = values.get(p).floats()[j] - target(p, y);
                l += 0.5 * e * e;
                grads.get(p).floats()[j] += e * g;
            }
        }
        loss += l * lossScale / t;
    }

    /** The embedding aims a little off the head, so that the two drift apart once untied. */
    private static float target(String p, float y) {
        return p.equals("embed") ? y + 0.05f : y;
    }

    private int index(String p, int tok, int tgt) {
        if (p.equals("lm_head")) {
            return (tok % config.dim()) * config.vocab() + tgt % config.vocab();
        }
        if (p.equals("embed")) {
            return (tgt % config.vocab()) * config.dim() + tok % config.dim();
        }
        ParamShards s = plan.param(p);
        long used = s.layout().usedUnits() * s.layout().unitElements();
        return (int) Math.floorMod(tok * 131L + tgt * 31L + p.length() * 7L, used);
    }

    @Override
    public double takeLoss() {
        double l = loss;
        loss = 0;
        return l;
    }

    @Override
    public void update(String param, ShardRange owned, StepContext ctx) {
        ParamShards s = plan.param(param);
        pause(config.updateNanos());
        float lr = 0.05f / (1 + 0.01f * ctx.step());
        float[] p = values.get(param).floats();
        float[] g = grads.get(param).floats();
        int per = (int) s.layout().unitElements();
        List<OptimizerState> st = states.get(param);
        if (param.equals("wide") || param.equals("bank")) {
            float[] m = ((CpuTensor) st.get(0).tensor()).floats();
            float[] rv = ((CpuTensor) st.get(1).tensor()).floats();
            int rows = param.equals("wide") ? config.wideSize() : config.bankRows();
            int cols = per / rows;
            for (int k = 0; k < owned.count(); k++) {
                int base = (owned.start() + k) * per;
                double frob = 0;
                float[] u = new float[per];
                for (int i = 0; i < per; i++) {
                    m[k * per + i] = MU * m[k * per + i] + (1 - MU) * g[base + i];
                    u[i] = (1 - MU) * g[base + i] + MU * m[k * per + i];
                    frob += u[i] * u[i];
                }
                float inv = (float) (1 / (Math.sqrt(frob) + 1e-8));
                for (int r = 0; r < rows; r++) {
                    float ms = 0;
                    for (int c = 0; c < cols; c++) {
                        float v = u[r * cols + c] * inv;
                        ms += v * v;
                    }
                    rv[k * rows + r] = 0.9f * rv[k * rows + r] + 0.1f * ms / cols;
                    float rowScale = 1f / (1f + rv[k * rows + r]);
                    for (int c = 0; c < cols; c++) {
                        int i = r * cols + c;
                        p[base + i] -= lr * u[i] * inv * rowScale + lr * 0.1f * p[base + i];
                    }
                }
            }
            return;
        }
        float[] m = ((CpuTensor) st.get(0).tensor()).floats();
        float[] v = ((CpuTensor) st.get(1).tensor()).floats();
        double t = counters.merge("t." + param, 1.0, Double::sum);
        float c1 = (float) (1 - Math.pow(B1, t));
        float c2 = (float) (1 - Math.pow(B2, t));
        int from = owned.start() * per;
        int n = owned.count() * per;
        for (int i = 0; i < n; i++) {
            float gi = g[from + i];
            m[i] = B1 * m[i] + (1 - B1) * gi;
            v[i] = B2 * v[i] + (1 - B2) * gi * gi;
            p[from + i] -= lr * (m[i] / c1) / ((float) Math.sqrt(v[i] / c2) + 1e-8f);
        }
    }

    @Override
    public void clearGradient(String param) {
        ops.fill(grads.get(param), 0f);
    }

    @Override
    public void combineTiedGradients(EmbeddingTie pair) {
        float[] head = grads.get(pair.headLabel()).floats();
        float[] emb = grads.get(pair.embedLabel()).floats();
        int d = config.dim();
        int vocab = config.vocab();
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < vocab; c++) {
                head[r * vocab + c] += emb[c * d + r];
            }
        }
    }

    @Override
    public void copyTiedWeights(EmbeddingTie pair) {
        float[] head = values.get(pair.headLabel()).floats();
        float[] emb = values.get(pair.embedLabel()).floats();
        int d = config.dim();
        int vocab = config.vocab();
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < vocab; c++) {
                emb[c * d + r] = head[r * vocab + c];
            }
        }
    }

    @Override
    public List<OptimizerState> optimizerState(String param) {
        return states.get(param);
    }

    @Override
    public void untie(EmbeddingTie pair, Map<String, Tensor> wholeHeadState, ShardRange embedOwned) {
        int d = config.dim();
        int vocab = config.vocab();
        for (OptimizerState s : states.get(pair.embedLabel())) {
            float[] whole = ((CpuTensor) wholeHeadState.get(s.name())).floats();
            float[] mine = ((CpuTensor) s.tensor()).floats();
            for (int i = embedOwned.start(); i < embedOwned.end(); i++) {
                for (int j = 0; j < d; j++) {
                    mine[(i - embedOwned.start()) * d + j] = whole[j * vocab + i];
                }
            }
        }
        counters.put("t." + pair.embedLabel(), counters.get("t." + pair.headLabel()));
    }

    /** This rank's optimizer state tensor (a copy), for tests. */
    public float[] state(String param, String name) {
        for (OptimizerState s : states.get(param)) {
            if (s.name().equals(name)) {
                return ops.download(s.tensor());
            }
        }
        throw new IllegalArgumentException("no state " + name + " of " + param);
    }

    @Override
    public LossSum evaluate(Batch batch, long stepsDone) {
        double l = 0;
        for (int i = 0; i < batch.length(); i++) {
            int tok = batch.inputs()[i];
            int tgt = batch.targets()[i];
            float y = (Math.floorMod(tgt * 7 + tok * 3, 11) - 5) / 10f;
            for (String p : values.keySet()) {
                float e = values.get(p).floats()[index(p, tok, tgt)] - target(p, y);
                l += 0.5 * e * e;
            }
        }
        return new LossSum(l, batch.length());
    }

    @Override
    public Map<String, Double> scalarState() {
        return new LinkedHashMap<>(counters);
    }

    @Override
    public void restoreScalarState(Map<String, Double> state) {
        counters.putAll(state);
    }

    @Override
    public void close() {
        ops.close();
    }

    private static void pause(long nanos) {
        if (nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }
}
