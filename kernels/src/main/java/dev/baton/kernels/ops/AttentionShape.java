package dev.baton.kernels.ops;

import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

/**
 * The sizes of one attention call, checked against the {@code AttentionOps} contract: q, k, v,
 * out (and dout, dq, dk, dv) bf16 of shape (S, G, D); lse (and delta) fp32 with S·G elements;
 * cuSeqlens an I32 vector of at least 2 entries; S a multiple of seqScale. The window is capped
 * at S, which changes no mask and keeps {@code position + window} inside an int on the device.
 *
 * <p>The entries of cuSeqlens live on the device and are not read here (that would cost a
 * synchronisation per call); the data loader guarantees them, and the CPU backend checks them.
 */
public record AttentionShape(int seq, int groups, int dim, int cuEntries, int seqScale, int window) {
    /** Head sizes the kernels are built for (the plain kernels take all, the tiled ones 64 and 128). */
    static final int[] DIMS = {16, 32, 64, 128};

    /** Rows of the (S·G, D) view: one per (position, head). */
    public long rows() {
        return (long) seq * groups;
    }

    /** Elements of q (and of every other (S, G, D) tensor of the call). */
    public long elements() {
        return rows() * dim;
    }

    /** Checks the tensors of a forward call. */
    public static AttentionShape forward(Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale, int window,
                                         Tensor out, Tensor lse) {
        AttentionShape s = of("attention forward", q, k, v, cuSeqlens, seqScale, window);
        s.requireLike("attention forward", "out", out, DType.BF16);
        s.requireRows("attention forward", "lse", lse);
        return s;
    }

    /** Checks the tensors of a backward call. */
    public static AttentionShape backward(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Tensor dout,
                                          Tensor cuSeqlens, int seqScale, int window, Tensor dq, Tensor dk, Tensor dv,
                                          Tensor delta) {
        String op = "attention backward";
        AttentionShape s = of(op, q, k, v, cuSeqlens, seqScale, window);
        s.requireLike(op, "out", out, DType.BF16);
        s.requireLike(op, "dout", dout, DType.BF16);
        s.requireLike(op, "dq", dq, DType.BF16);
        s.requireLike(op, "dk", dk, DType.BF16);
        s.requireLike(op, "dv", dv, DType.BF16);
        s.requireRows(op, "lse", lse);
        s.requireRows(op, "delta", delta);
        return s;
    }

    private static AttentionShape of(String op, Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale,
                                     int window) {
        Shape shape = q.shape();
        require(shape.rank() == 3, op + ": q must be (S, G, D), is " + shape);
        require(k.shape().equals(shape) && v.shape().equals(shape),
                op + ": q, k, v shapes differ: " + shape + " " + k.shape() + " " + v.shape());
        for (Tensor t : new Tensor[] {q, k, v}) {
            require(t.dtype() == DType.BF16, op + ": q, k, v must be bf16, found " + t.dtype());
        }
        int dim = shape.dim(2);
        require(java.util.Arrays.stream(DIMS).anyMatch(d -> d == dim),
                op + ": head size " + dim + " has no kernel (built for 16, 32, 64, 128)");
        require(cuSeqlens.dtype() == DType.I32 && cuSeqlens.shape().rank() == 1 && cuSeqlens.shape().dim(0) >= 2,
                op + ": cuSeqlens must be an I32 vector of at least 2 entries, is " + cuSeqlens.dtype() + " "
                        + cuSeqlens.shape());
        require(seqScale >= 1 && window >= 0, op + ": seqScale " + seqScale + " and window " + window
                + " must be >= 1 and >= 0");
        int seq = shape.dim(0);
        require(seq % seqScale == 0, op + ": S = " + seq + " is not a multiple of seqScale " + seqScale);
        return new AttentionShape(seq, shape.dim(1), dim, cuSeqlens.shape().dim(0), seqScale, Math.min(window, seq));
    }

    private void requireLike(String op, String name, Tensor t, DType dtype) {
        require(t.dtype() == dtype && t.numel() == elements(),
                op + ": " + name + " must be " + dtype + " with " + elements() + " elements (S, G, D), is " + t.dtype()
                        + " " + t.shape());
    }

    private void requireRows(String op, String name, Tensor t) {
        require(t.dtype() == DType.F32 && t.numel() == rows(),
                op + ": " + name + " must be F32 with S·G = " + rows() + " elements, is " + t.dtype() + " " + t.shape());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
