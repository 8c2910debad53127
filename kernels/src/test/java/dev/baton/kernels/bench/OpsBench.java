package dev.baton.kernels.bench;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.ops.ProfilingOps;
import dev.baton.kernels.ops.RowwiseAttention;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.model.Yarn;
import dev.baton.runtime.ops.AttentionOps;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.optim.PolarExpress;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Per-kernel microbenchmarks of CudaOps and the optimizer kernels at the record's shapes on one
 * GPU (llm.c dev/cuda style; a benchmark, not a test): T = 49,152 tokens per micro-batch (393,216
 * per step with gradient accumulation 8), d = 768, 6 heads of 128, V = 50,304. Prints each op's
 * median time, its achieved bandwidth against the copy bandwidth measured here and against the
 * ~3.0 TB/s recorded for this H100 (KINDS.md), TFLOP/s where it matters, then one whole
 * forward + backward of the model on such a micro-batch with its per-operation device times, and
 * the optimizer step on the record's parameters.
 *
 * <p>Run: {@code java -cp ... dev.baton.kernels.bench.OpsBench [--no-model]}.
 */
public final class OpsBench {
    static final int T = 49152, D = 768, H = 6, HD = 128, V = 50304, F = 3072;
    static final double RECORDED_COPY = 3.0e12;

    private OpsBench() {
    }

    public static void main(String[] args) {
        boolean model = !List.of(args).contains("--no-model");
        try (CudaOps ops = CudaOps.open(0); CudaOptimizerKernels ok = new CudaOptimizerKernels(ops)) {
            System.out.println("[bench] " + ops.device().properties().describe());
            double copy = copyBandwidth(ops);
            System.out.printf("[bench] device-to-device copy: %.0f GB/s (bytes read + written); %%copy below is"
                    + " against %.1f TB/s%n", copy / 1e9, RECORDED_COPY / 1e12);
            BenchTimer b = new BenchTimer(ops, RECORDED_COPY);
            List<Tensor> owned = new ArrayList<>();
            try {
                activations(ops, b, owned);
                loss(ops, b, owned);
                attention(ops, b, owned);
                gemms(ops, b, owned);
            } finally {
                owned.forEach(Tensor::close);
                owned.clear();
            }
            optimizer(ops, ok, b);
            if (model) {
                model(ops, ok, b);
            }
            System.out.println("== OpsBench (" + ops.device().properties().name() + ")");
            System.out.print(b.table());
        }
    }

    private static Tensor alloc(CudaOps ops, List<Tensor> owned, Shape s, DType t) {
        Tensor x = ops.allocate(s, t);
        owned.add(x);
        return x;
    }

    private static double copyBandwidth(CudaOps ops) {
        Shape s = Shape.of(1 << 14, 1 << 15); // 512M bf16 = 1 GiB
        try (Tensor a = ops.allocate(s, DType.BF16); Tensor c = ops.allocate(s, DType.BF16)) {
            BenchTimer t = new BenchTimer(ops, RECORDED_COPY);
            double ms = t.median(() -> ops.copy(c, a), 2, 10);
            return 2.0 * a.numel() * 2 / (ms * 1e-3);
        }
    }

    private static void activations(CudaOps ops, BenchTimer b, List<Tensor> owned) {
        long td = (long) T * D;
        Shape rows = Shape.of(T, D);
        Tensor x = alloc(ops, owned, rows, DType.BF16);
        Tensor y = alloc(ops, owned, rows, DType.BF16);
        Tensor z = alloc(ops, owned, rows, DType.BF16);
        Tensor rstd = alloc(ops, owned, Shape.of(T * H), DType.F32);
        b.fill(x, 1, 2f);
        b.fill(y, 2, 1f);
        b.fill(z, 3, 1f);
        float eps = 1.1920929e-07f;
        b.time("rmsnorm fwd", "(T,768) bf16", 4.0 * td + 4 * T, 0,
                () -> ops.rmsNormForward(x, y, rstd.narrow(0, T), eps));
        b.time("rmsnorm bwd (accumulate)", "(T,768) bf16", 8.0 * td + 4 * T, 0,
                () -> ops.rmsNormBackward(x, rstd.narrow(0, T), y, z, true));
        Shape heads = Shape.of(T * H, HD);
        b.time("qk-norm fwd", "(6T,128) bf16", 4.0 * td + 4 * T * H, 0,
                () -> ops.rmsNormForward(x.view(heads), y.view(heads), rstd, eps));
        try (Yarn yarn = new Yarn(ops, HD, T, false, 128, 0.1); Yarn paired = new Yarn(ops, HD, T, true, 128, 0.1)) {
            b.time("rotary fwd", "(T,768) tables (T,128) f32", 4.0 * td + 8.0 * T * HD, 0,
                    () -> ops.rotaryForward(x, yarn.cos(), yarn.sin(), y));
            b.time("rotary bwd paired, in place", "(T,768) tables (T,256) f32", 4.0 * td + 16.0 * T * HD, 0,
                    () -> ops.rotaryBackward(y, paired.cos(), paired.sin(), y));
        }
        Shape khd = Shape.of(T, H, HD);
        b.time("key offset fwd", "(T,6,128) bf16", 4.0 * td, 0, () -> ops.keyOffsetForward(x.view(khd), y.view(khd)));
        b.time("key offset bwd", "(T,6,128) bf16", 4.0 * td, 0, () -> ops.keyOffsetBackward(x.view(khd), y.view(khd)));
        Tensor w = alloc(ops, owned, Shape.of(H, 12), DType.BF16);
        Tensor sig = alloc(ops, owned, Shape.of(T, H), DType.F32);
        Tensor dgate = alloc(ops, owned, Shape.of(T, H), DType.F32);
        Tensor dw = alloc(ops, owned, Shape.of(H, 12), DType.F32);
        b.fill(w, 4, 0.3f);
        b.fill(dgate, 5, 1f);
        b.time("gate fwd (6 heads, width 12)", "(T,768)->(T,6)", 32.0 * T + 24.0 * T, 0,
                () -> ops.gateForward(x, w, sig));
        b.time("gate bwd (dx, dw)", "(T,6)->(T,12)+(6,12)", 48.0 * T + 64.0 * T, 0,
                () -> ops.gateBackward(x, w, sig, dgate, 1f, z, dw));
        b.time("gated add (attention gate)", "(T,768) bf16, gate (T,6)", 6.0 * td + 24.0 * T, 0,
                () -> ops.gatedAdd(y, x, z, sig, 1f));
        b.time("gated add bwd (dsrc, dgate)", "(T,768) bf16", 6.0 * td + 24.0 * T, 0,
                () -> ops.gatedAddBackward(x, z, sig, 2f, y, false, dgate));
        b.time("axpby", "(T,768) bf16", 6.0 * td, 0, () -> ops.axpby(y, 1.1f, x, 0.5f, z));
        Tensor scalars = alloc(ops, owned, Shape.of(40), DType.F32);
        b.time("dot -> scalar grad", "(T,768) bf16 x2", 4.0 * td, 0, () -> ops.dot(x, z, scalars, 3, 1f, true));
        Tensor h = alloc(ops, owned, Shape.of(T, F), DType.BF16);
        Tensor a = alloc(ops, owned, Shape.of(T, F), DType.BF16);
        b.fill(h, 6, 1f);
        long tf = (long) T * F;
        b.time("relu2 fwd", "(T,3072) bf16", 4.0 * tf, 0, () -> ops.relu2Forward(h, a));
        b.time("relu2 bwd", "(T,3072) bf16", 6.0 * tf, 0, () -> ops.relu2Backward(h, a, a));
        Tensor table = alloc(ops, owned, Shape.of(V, D), DType.BF16);
        Tensor dtable = alloc(ops, owned, Shape.of(V, D), DType.F32);
        b.fill(table, 7, 1f);
        Tensor ids = ops.uploadInts(randomIds(8, T), Shape.of(T));
        owned.add(ids);
        b.time("embedding gather", "(V,768) bf16 -> (T,768)", 4.0 * td + 4 * T, 0,
                () -> ops.embeddingForward(table, ids, y));
        b.time("embedding scatter-add (atomic)", "(T,768) bf16 -> (V,768) f32", 2.0 * td + 8.0 * td, 0,
                () -> ops.embeddingBackward(y, ids, dtable));
    }

    static int[] randomIds(long seed, int n) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(50257);
        }
        return ids;
    }

    private static void loss(CudaOps ops, BenchTimer b, List<Tensor> owned) {
        Tensor logits = alloc(ops, owned, Shape.of(T, V), DType.BF16);
        Tensor losses = alloc(ops, owned, Shape.of(T), DType.F32);
        Tensor targets = ops.uploadInts(randomIds(9, T), Shape.of(T));
        owned.add(targets);
        b.fill(logits, 10, 8f);
        double tv = (double) T * V;
        b.time("softcapped CE eval (no grad)", "(T,50304) bf16", 2.0 * tv, 0, 2, 10,
                () -> ops.softcappedCrossEntropy(logits, targets, new float[] {1f}, 23f, 5f, 7.5f, losses, null));
        b.time("softcapped CE train+grad in place", "(T,50304) bf16, MTP 3", 4.0 * tv, 0, 2, 10,
                () -> ops.softcappedCrossEntropy(logits, targets, new float[] {1f, 0.5f, 0.25f}, 23f, 5f, 7.5f, losses,
                        logits));
    }

    /** Random document lengths (1..2048, mean about 600) covering n tokens, as cu_seqlens. */
    static int[] documents(long seed, int n) {
        Random r = new Random(seed);
        List<Integer> cu = new ArrayList<>(List.of(0));
        int at = 0;
        while (at < n) {
            at = Math.min(n, at + 1 + (int) Math.min(2047, -600 * Math.log(1 - r.nextDouble())));
            cu.add(at);
        }
        return cu.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Σ over query positions of their visible keys. */
    static long visibleKeys(int[] cu, int scale, int window) {
        long keys = 0;
        for (int d = 0; d + 1 < cu.length; d++) {
            for (int s = cu[d] * scale; s < cu[d + 1] * scale; s++) {
                keys += Math.min(s - cu[d] * scale, window) + 1;
            }
        }
        return keys;
    }

    private static void attention(CudaOps ops, BenchTimer b, List<Tensor> owned) {
        Shape s = Shape.of(T, H, HD);
        Tensor[] t = new Tensor[8];
        for (int i = 0; i < t.length; i++) {
            t[i] = alloc(ops, owned, s, DType.BF16);
            b.fill(t[i], 20 + i, 1f);
        }
        Tensor lse = alloc(ops, owned, Shape.of(T, H), DType.F32);
        Tensor delta = alloc(ops, owned, Shape.of(T, H), DType.F32);
        int[] docs = documents(11, T);
        Tensor cu = ops.uploadInts(docs, Shape.of(docs.length));
        owned.add(cu);
        try (RowwiseAttention rowwise = new RowwiseAttention(ops.device().properties(), ops.stream())) {
            for (AttentionOps impl : new AttentionOps[] {ops, rowwise}) {
                String name = impl == ops ? "tiled" : "rowwise";
                for (int window : impl == ops ? new int[] {640, 1408} : new int[] {640}) {
                    double keys = visibleKeys(docs, 1, window) * (double) H;
                    String shape = "(T,6,128) window " + window;
                    int reps = impl == ops ? 10 : 3;
                    b.time("attention fwd (" + name + ")", shape, 0, 4.0 * HD * keys, 1, reps,
                            () -> impl.attentionForward(t[0], t[1], t[2], cu, 1, window, 0.1f, t[3], lse));
                    b.time("attention bwd (" + name + ")", shape, 0, 14.0 * HD * keys, 1, reps,
                            () -> impl.attentionBackward(t[0], t[1], t[2], t[3], lse, t[4], cu, 1, window, 0.1f, t[5],
                                    t[6], t[7], delta));
                }
            }
        }
        Shape paired = Shape.of(2 * T, H / 2, HD);
        double keys = visibleKeys(docs, 2, 640) * (double) (H / 2);
        b.time("attention fwd paired (tiled)", "(2T,3,128) window 640", 0, 4.0 * HD * keys, 1, 10,
                () -> ops.attentionForward(t[0].view(paired), t[1].view(paired), t[2].view(paired), cu, 2, 640, 0.1f,
                        t[3].view(paired), lse.view(Shape.of(2 * T, H / 2))));
        b.time("attention bwd paired (tiled)", "(2T,3,128) window 640", 0, 14.0 * HD * keys, 1, 10,
                () -> ops.attentionBackward(t[0].view(paired), t[1].view(paired), t[2].view(paired), t[3].view(paired),
                        lse.view(Shape.of(2 * T, H / 2)), t[4].view(paired), cu, 2, 640, 0.1f, t[5].view(paired),
                        t[6].view(paired), t[7].view(paired), delta.view(Shape.of(2 * T, H / 2))));
    }

    private static void gemms(CudaOps ops, BenchTimer b, List<Tensor> owned) {
        Tensor x = alloc(ops, owned, Shape.of(T, D), DType.BF16);
        Tensor w = alloc(ops, owned, Shape.of(F, D), DType.BF16);
        Tensor h = alloc(ops, owned, Shape.of(T, F), DType.BF16);
        Tensor y = alloc(ops, owned, Shape.of(T, D), DType.BF16);
        Tensor head = alloc(ops, owned, Shape.of(D, V), DType.BF16);
        Tensor logits = alloc(ops, owned, Shape.of(T, V), DType.BF16);
        Tensor dhead = alloc(ops, owned, Shape.of(D, V), DType.F32);
        b.fill(x, 30, 1f);
        b.fill(w, 31, 0.05f);
        b.fill(head, 32, 0.01f);
        b.fill(logits, 33, 1e-4f);
        double tdd = 2.0 * T * D * D;
        b.time("GEMM q proj x·Wqᵀ", "(T,768)·(768,768)ᵀ", 0, tdd,
                () -> ops.matmul(x, false, w.narrow(0, D), true, y, 1f, 0f));
        b.time("GEMM mlp fc x·Wfcᵀ", "(T,768)·(3072,768)ᵀ", 0, 4 * tdd, () -> ops.matmul(x, false, w, true, h, 1f, 0f));
        b.time("GEMM mlp proj h·Wproj (+x)", "(T,3072)·(3072,768)", 0, 4 * tdd,
                () -> ops.matmul(h, false, w, false, y, 1f, 1f));
        double lm = 2.0 * T * D * V;
        b.time("GEMM lm_head x·W", "(T,768)·(768,50304)", 0, lm, 2, 10,
                () -> ops.matmul(x, false, head, false, logits, 1f, 0f));
        b.time("GEMM lm_head dx = dl·Wᵀ", "(T,50304)·(768,50304)ᵀ", 0, lm, 2, 10,
                () -> ops.matmul(logits, false, head, true, y, 1f, 0f));
        b.time("GEMM lm_head dW += xᵀ·dl f32", "(T,768)ᵀ·(T,50304)", 0, lm, 2, 10,
                () -> ops.matmul(x, true, logits, false, dhead, 1f, 1f));
    }

    private static void optimizer(CudaOps ops, CudaOptimizerKernels k, BenchTimer b) {
        List<Tensor> owned = new ArrayList<>();
        try {
            Tensor p = alloc(ops, owned, Shape.of(V, D), DType.BF16);
            Tensor g = alloc(ops, owned, Shape.of(V, D), DType.F32);
            Tensor m = alloc(ops, owned, Shape.of(V, D), DType.F32);
            Tensor v = alloc(ops, owned, Shape.of(V, D), DType.F32);
            b.fill(p, 40, 0.02f);
            b.fill(g, 41, 1e-3f);
            double vd = (double) V * D;
            b.time("Adam (bf16 p, fp32 g/m/v)", "(50304,768)", 24.0 * vd, 0,
                    () -> k.adam(p, g, m, v, 0.5f, 0.5f, 0.95f, 0.05f, 1e-10f, 0.008f, 1e-5f));
            for (int[] bank : new int[][] {{40, D, D}, {24, F, D}}) {
                Shape s = Shape.of(bank[0], bank[1], bank[2]);
                String label = bank[1] == D ? "attn bank" : "mlp bank";
                double n = s.numel();
                Tensor gb = alloc(ops, owned, s, DType.F32);
                Tensor mom = alloc(ops, owned, s, DType.F32);
                Tensor upd = alloc(ops, owned, s, DType.BF16);
                Tensor pb = alloc(ops, owned, s, DType.BF16);
                Tensor sm = alloc(ops, owned, Shape.of(bank[0], bank[1]), DType.F32);
                b.fill(gb, 42, 1e-3f);
                b.fill(pb, 43, 0.03f);
                b.time("NorMuon nesterov (" + label + ")", s.toString(), 14.0 * n, 0,
                        () -> k.nesterov(mom, gb, upd, 0.05f, 0.95f));
                b.time("NorMuon Frobenius norm (" + label + ")", s.toString(), 6.0 * n, 0,
                        () -> k.normalizeFrobenius(upd, 1.02f, 1e-6f));
                PolarExpress polar = new PolarExpress(ops, k);
                int r = Math.min(bank[1], bank[2]);
                int c = Math.max(bank[1], bank[2]);
                double flops = 5.0 * bank[0] * (2.0 * r * r * c + 2.0 * r * r * r + 2.0 * r * r * c);
                try (PolarExpress.Workspace ws = polar.workspace(bank[0], bank[1], bank[2])) {
                    b.time("Polar Express 5 it. bf16 (" + label + ")", s.toString(), 0, flops, 1, 5,
                            () -> polar.apply(upd, ws));
                }
                b.time("NorMuon variance norm (" + label + ")", s.toString(), 6.0 * n, 0,
                        () -> k.normalizeVariance(upd, sm, 0.05f, true));
                float[] lr = new float[bank[0]];
                Arrays.fill(lr, 0.02f);
                b.time("NorMuon cautious step + master (" + label + ")", s.toString(), 10.0 * n, 0,
                        () -> k.cautiousStep(pb, upd, lr, 0.0276f));
            }
        } finally {
            ops.synchronize();
            owned.forEach(Tensor::close);
        }
    }

    private static void model(CudaOps ops, CudaOptimizerKernels k, BenchTimer b) {
        GptConfig config = GptConfig.record();
        int[] docs = documents(12, T);
        int[] ids = randomIds(13, T + 1);
        Batch batch = new Batch(Arrays.copyOf(ids, T), Arrays.copyOfRange(ids, 1, T + 1), docs);
        ForwardSchedule schedule = new ForwardSchedule(new float[] {1f}, 5, 11);
        try (ProfilingOps prof = new ProfilingOps(ops); ParamSet params = GptParams.create(prof, config, 1234);
             Gpt gpt = new Gpt(prof, config, params, T)) {
            double[] ms = new double[3];
            for (int i = 0; i < ms.length; i++) {
                prof.reset();
                ops.synchronize();
                long t0 = System.nanoTime();
                gpt.forward(batch, schedule);
                gpt.backward(1f / 8);
                ops.synchronize();
                ms[i] = (System.nanoTime() - t0) / 1e6;
                System.out.printf("[bench] model fwd+bwd micro-batch %d: %.1f ms%n", i, ms[i]);
            }
            double best = Math.min(ms[1], ms[2]);
            // matmul FLOPs only: 6 per weight per token, 10 attention (4d²) and 11 MLP (8d²) layers, lm_head
            b.record("model fwd+bwd, 1 micro-batch", "record, T=49152, ws (5,11)", best, 0,
                    6.0 * T * ((10.0 * 4 + 11.0 * 8) * D * D + (double) D * V));
            System.out.printf("[bench] model: %.0f tokens/s per GPU on fwd+bwd (warm-up %.1f ms not counted)%n",
                    T / (best * 1e-3), ms[0]);
            List<ProfilingOps.OpTime> times = prof.report();
            double total = times.stream().mapToDouble(ProfilingOps.OpTime::millis).sum();
            System.out.println("== per-operation device time of the last micro-batch (fwd+bwd)");
            System.out.printf("%-28s %6s %10s %7s%n", "operation", "calls", "ms", "share");
            times.stream().sorted((x, y) -> Double.compare(y.millis(), x.millis())).forEach(t -> System.out.printf(
                    "%-28s %6d %10.3f %6.1f%%%n", t.op(), t.calls(), t.millis(), 100 * t.millis() / total));
            System.out.printf("%-28s %6s %10.3f%n", "sum", "", total);
            try (NorMuonAndAdam opt = new NorMuonAndAdam(ParamTable.record(), params, ops, k, AdamConfig.record(),
                    NorMuonConfig.record(), ShardAssignment.single(), 1151)) {
                for (int step = 1; step <= 4; step++) {
                    ops.synchronize();
                    long t0 = System.nanoTime();
                    opt.step(step, 1.0, 0.9, step % 2 == 1);
                    ops.synchronize();
                    double t = (System.nanoTime() - t0) / 1e6;
                    System.out.printf("[bench] optimizer step %d (%s): %.2f ms%n", step,
                            step % 2 == 1 ? "Adam + NorMuon, tied" : "NorMuon only", t);
                    if (step >= 3) {
                        b.record("optimizer step (" + (step % 2 == 1 ? "Adam+NorMuon" : "NorMuon only") + ")",
                                "record params, 1 GPU", t, 0, 0);
                    }
                }
            }
        }
    }
}
