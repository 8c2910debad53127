package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Tensor;

/** Embedding gather and scatter-add backward on the heap. */
final class CpuEmbedding {
    private final CpuThreads threads;

    CpuEmbedding(CpuThreads threads) {
        this.threads = threads;
    }

    void forward(Tensor table, Tensor ids, Tensor out) {
        CpuTensor t = CpuTensor.of(table);
        CpuTensor id = CpuTensor.of(ids);
        CpuTensor o = CpuTensor.of(out);
        ShapeCheck.ints("embeddingForward", ids, "ids");
        int vocab = t.shape().dim(0);
        int c = t.shape().cols();
        int n = id.size();
        ShapeCheck.numel("embeddingForward", out, (long) n * c, "out");
        float[] T = t.floats();
        int[] I = id.ints();
        float[] O = o.floats();
        int to = t.offset();
        int io = id.offset();
        int oo = o.offset();
        threads.parallelFor(n, Math.max(1, 16384 / Math.max(c, 1)), (s, e) -> {
            for (int r = s; r < e; r++) {
                int v = I[io + r];
                if (v < 0 || v >= vocab) {
                    throw new IllegalArgumentException("embeddingForward: token id " + v + " at position " + r
                            + " outside the vocabulary [0, " + vocab + ")");
                }
                System.arraycopy(T, to + v * c, O, oo + r * c, c);
            }
        });
    }

    /** Scatter-add, parallel over column slices so that no two threads touch one element. */
    void backward(Tensor dout, Tensor ids, Tensor dtable) {
        CpuTensor d = CpuTensor.of(dout);
        CpuTensor id = CpuTensor.of(ids);
        CpuTensor t = CpuTensor.of(dtable);
        ShapeCheck.ints("embeddingBackward", ids, "ids");
        int vocab = t.shape().dim(0);
        int c = t.shape().cols();
        int n = id.size();
        ShapeCheck.numel("embeddingBackward", dout, (long) n * c, "dout");
        float[] D = d.floats();
        int[] I = id.ints();
        float[] G = t.floats();
        int dOff = d.offset();
        int io = id.offset();
        int go = t.offset();
        for (int r = 0; r < n; r++) {
            int v = I[io + r];
            if (v < 0 || v >= vocab) {
                throw new IllegalArgumentException("embeddingBackward: token id " + v + " at position " + r
                        + " outside the vocabulary [0, " + vocab + ")");
            }
        }
        int slice = 16;
        int slices = (c + slice - 1) / slice;
        threads.parallelFor(slices, n >= 256 ? 1 : slices, (s, e) -> {
            int c0 = s * slice;
            int c1 = Math.min(c, e * slice);
            for (int r = 0; r < n; r++) {
                int src = dOff + r * c;
                int dst = go + I[io + r] * c;
                for (int j = c0; j < c1; j++) {
                    G[dst + j] += D[src + j];
                }
            }
        });
    }
}
