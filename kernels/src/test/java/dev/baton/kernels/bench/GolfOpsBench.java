package dev.baton.kernels.bench;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.runtime.optim.Muon;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Microbenchmarks of the golf model's ops on one GPU at the baseline's shapes (a benchmark, not a
 * test): one micro-batch of T = 65,536 tokens (64 x 1024; 8 per 524,288-token step on one GPU),
 * d = 512, 8 heads of 64 over 4 KV heads, MLP 1024, vocabulary 1024. Prints each op's median time
 * and its achieved bandwidth (fewest bytes it must move over the time) against the H100 SXM's
 * 3.35 TB/s datasheet figure, and the device copy bandwidth measured here; then Muon's update of
 * each block-matrix shape (Newton-Schulz 5 through cuBLASLt fp32 GEMMs) and the embedding's Adam.
 *
 * <p>Run: {@code java -cp ... dev.baton.kernels.bench.GolfOpsBench}.
 */
public final class GolfOpsBench {
    static final int T = 65536, D = 512, H = 8, HK = 4, HD = 64, F = 1024, V = 1024;
    static final double H100_BANDWIDTH = 3.35e12;

    private GolfOpsBench() {
    }

    public static void main(String[] args) {
        try (CudaOps ops = CudaOps.open(0); CudaOptimizerKernels ok = new CudaOptimizerKernels(ops)) {
            System.out.println("[golf-bench] " + ops.device().properties().describe());
            BenchTimer b = new BenchTimer(ops, H100_BANDWIDTH);
            Shape big = Shape.of(1 << 14, 1 << 15);
            try (Tensor a = ops.allocate(big, DType.BF16); Tensor c = ops.allocate(big, DType.BF16)) {
                double ms = b.median(() -> ops.copy(c, a), 2, 10);
                System.out.printf("[golf-bench] device-to-device copy: %.0f GB/s (bytes read + written); %%copy below"
                        + " is against the datasheet %.2f TB/s%n", 2.0 * a.numel() * 2 / (ms * 1e-3) / 1e9,
                        H100_BANDWIDTH / 1e12);
            }
            List<Tensor> owned = new ArrayList<>();
            try {
                run(ops, ok, b, owned);
            } finally {
                owned.forEach(Tensor::close);
            }
            System.out.println("== GolfOpsBench (" + ops.device().properties().name() + ")");
            System.out.print(b.table());
        }
    }

    private static Tensor alloc(CudaOps ops, List<Tensor> owned, Shape s, DType t) {
        Tensor x = ops.allocate(s, t);
        owned.add(x);
        return x;
    }

    private static void run(CudaOps ops, CudaOptimizerKernels ok, BenchTimer b, List<Tensor> owned) {
        long td = (long) T * D;
        Shape rows = Shape.of(T, D);
        Tensor x = alloc(ops, owned, rows, DType.BF16);
        Tensor y = alloc(ops, owned, rows, DType.BF16);
        Tensor z = alloc(ops, owned, rows, DType.BF16);
        Tensor scale = alloc(ops, owned, Shape.of(D), DType.F32);
        Tensor dscale = alloc(ops, owned, Shape.of(D), DType.F32);
        Tensor gain = alloc(ops, owned, Shape.of(H), DType.F32);
        Tensor dgain = alloc(ops, owned, Shape.of(H), DType.F32);
        b.fill(x, 1, 1f);
        b.fill(y, 2, 1f);
        b.fill(z, 3, 1f);
        b.fill(scale, 4, 1f);
        b.fill(gain, 5, 1f);
        b.time("scaledAdd (attn/mlp scale, skip)", "(T,512) bf16 + base", 6.0 * td, 0,
                () -> ops.scaledAdd(z, x, y, scale));
        b.time("scaledAdd, no base (q_gain)", "(T,512) bf16, 8 heads", 4.0 * td, 0,
                () -> ops.scaledAdd(z, null, y, gain));
        b.time("scaledAddBackward dsrc + dscale", "(T,512) bf16, 512 scales", 6.0 * td, 0,
                () -> ops.scaledAddBackward(x, y, scale, z, false, dscale));
        b.time("scaledAddBackward += dsrc, dscale", "(T,512) bf16 (resid_mix x0)", 8.0 * td, 0,
                () -> ops.scaledAddBackward(x, y, scale, z, true, dscale));
        b.time("scaledAddBackward in place (q_gain)", "(T,512) bf16, 8 heads", 6.0 * td, 0,
                () -> ops.scaledAddBackward(z, y, gain, z, false, dgain));
        Tensor cos = alloc(ops, owned, Shape.of(T, HD / 2), DType.F32);
        Tensor sin = alloc(ops, owned, Shape.of(T, HD / 2), DType.F32);
        b.fill(cos, 6, 1f);
        b.fill(sin, 7, 1f);
        double tables = 2.0 * 4 * T * HD / 2;
        b.time("rotaryHalf fwd (q)", "(T,8x64) bf16, tables f32", 4.0 * td + tables, 0,
                () -> ops.rotaryHalfForward(x, cos, sin, y));
        b.time("rotaryHalf bwd in place (q)", "(T,8x64) bf16", 4.0 * td + tables, 0,
                () -> ops.rotaryHalfBackward(y, cos, sin, y));
        Shape kvRows = Shape.of(T, HK * HD);
        Tensor k = alloc(ops, owned, kvRows, DType.BF16);
        b.fill(k, 8, 1f);
        b.time("rotaryHalf fwd (k)", "(T,4x64) bf16", 2.0 * td + tables, 0,
                () -> ops.rotaryHalfForward(k, cos, sin, k));
        int[] repeat = new int[T * H];
        for (int i = 0; i < repeat.length; i++) {
            repeat[i] = (i / H) * HK + (i % H) / (H / HK);
        }
        Tensor ids = ops.uploadInts(repeat, Shape.of(repeat.length));
        owned.add(ids);
        b.time("GQA repeat (row gather)", "(T,4x64) -> (T,8x64) bf16", 2.0 * td + 2.0 * td + 4.0 * T * H, 0,
                () -> ops.embeddingForward(k.view(Shape.of(T * HK, HD)), ids, y.view(Shape.of(T * H, HD))));
        b.time("GQA group sum (zero + scatter-add)", "(T,8x64) -> (T,4x64) bf16", 2.0 * td + 2.0 * td + 4.0 * T * H, 0,
                () -> {
                    ops.fill(k, 0f);
                    ops.embeddingBackward(y.view(Shape.of(T * H, HD)), ids, k.view(Shape.of(T * HK, HD)));
                });
        Tensor logits = alloc(ops, owned, Shape.of(T, V), DType.BF16);
        Tensor losses = alloc(ops, owned, Shape.of(T), DType.F32);
        Random r = new Random(9);
        int[] tg = new int[T];
        for (int i = 0; i < T; i++) {
            tg[i] = r.nextInt(V);
        }
        Tensor targets = ops.uploadInts(tg, Shape.of(T));
        owned.add(targets);
        b.fill(logits, 10, 8f);
        double tv = (double) T * V;
        b.time("tanh-softcap CE + grad in place", "(T,1024) bf16, a=60 c=15", 4.0 * tv, 0,
                () -> ops.softcappedCrossEntropy(logits, targets, new float[] {1f}, 60f, 0f, 15f, losses, logits));
        Tensor rstd = alloc(ops, owned, Shape.of(T * H), DType.F32);
        b.time("rmsnorm fwd (qk-norm, q)", "(8T,64) bf16", 4.0 * td + 4.0 * T * H, 0,
                () -> ops.rmsNormForward(x.view(Shape.of(T * H, HD)), y.view(Shape.of(T * H, HD)), rstd, 1.1920929e-07f));
        Tensor h = alloc(ops, owned, Shape.of(T, F), DType.BF16);
        Tensor hh = alloc(ops, owned, Shape.of(T, F), DType.BF16);
        b.fill(h, 11, 1f);
        b.time("relu2 fwd", "(T,1024) bf16", 4.0 * T * F, 0, () -> ops.relu2Forward(h, hh));
        b.time("relu2 bwd", "(T,1024) bf16", 6.0 * T * F, 0, () -> ops.relu2Backward(h, hh, hh));
        Tensor w = alloc(ops, owned, Shape.of(F, D), DType.BF16);
        b.fill(w, 12, 0.05f);
        b.time("matmul x.W^T (mlp fc)", "65536x1024x512 bf16", 0, 2.0 * T * F * D, () -> ops.matmul(x, false, w, true,
                h, 1f, 0f));
        muon(ops, ok, b, owned);
    }

    private static void muon(CudaOps ops, CudaOptimizerKernels ok, BenchTimer b, List<Tensor> owned) {
        Muon muon = new Muon(ops, ok, 5);
        int[][] shapes = {{D, D}, {HK * HD, D}, {F, D}, {D, F}};
        for (int[] s : shapes) {
            Shape shape = Shape.of(s[0], s[1]);
            Tensor p = alloc(ops, owned, shape, DType.BF16);
            Tensor g = alloc(ops, owned, shape, DType.F32);
            b.fill(p, 13, 0.05f);
            b.fill(g, 14, 1f);
            try (Muon.State st = muon.newState(s[0], s[1])) {
                int small = Math.min(s[0], s[1]);
                int large = Math.max(s[0], s[1]);
                double flops = 5 * (2.0 * small * small * large * 2 + 2.0 * small * small * small);
                b.time("Muon update (NS5, fp32 GEMMs)", s[0] + "x" + s[1], 0, flops, 2, 10,
                        () -> muon.update(p, g, st, 0.04, 0.95, true));
            }
        }
        Tensor emb = alloc(ops, owned, Shape.of(V, D), DType.BF16);
        Tensor eg = alloc(ops, owned, Shape.of(V, D), DType.F32);
        Tensor m = alloc(ops, owned, Shape.of(V, D), DType.F32);
        Tensor v = alloc(ops, owned, Shape.of(V, D), DType.F32);
        b.fill(emb, 15, 0.05f);
        b.fill(eg, 16, 1f);
        b.time("adam (tok_emb)", "(1024,512) bf16 p, f32 state", 2.0 * V * D * 2 + 4.0 * V * D * 5, 0,
                () -> ok.adam(emb, eg, m, v, 0.9f, 0.1f, 0.95f, 0.05f, 1e-8f, 0.05f, 0f));
    }
}
