package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.Arrays;

/**
 * The fp32 reference backend: every operation on the JVM heap, spread over every core. Each
 * concern lives in its own kernel class (CpuAttention, CpuNorms, ...); this class owns the worker
 * pool they share and dispatches to them. Kernels keep grow-only scratch buffers, so one CpuOps
 * serves one caller thread at a time (each device worker owns its own).
 */
public final class CpuOps implements Ops {
    private final CpuMatmul matmul;
    private final CpuThreads threads;
    private final CpuEmbedding embedding;
    private final CpuNorms norms;
    private final CpuElementwise elementwise;
    private final CpuGates gates;
    private final CpuRotary rotary;
    private final CpuAttention attention;
    private final CpuLoss loss;
    private final CpuScales scales;

    public CpuOps() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public CpuOps(int threads) {
        this.matmul = new CpuMatmul(threads);
        this.threads = new CpuThreads(threads);
        this.embedding = new CpuEmbedding(this.threads);
        this.norms = new CpuNorms(this.threads);
        this.elementwise = new CpuElementwise(this.threads);
        this.gates = new CpuGates(this.threads);
        this.rotary = new CpuRotary(this.threads);
        this.attention = new CpuAttention(this.threads);
        this.loss = new CpuLoss(this.threads);
        this.scales = new CpuScales(this.threads);
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public DType activationType() {
        return DType.F32;
    }

    @Override
    public DType parameterType() {
        return DType.F32;
    }

    @Override
    public DType gradientType() {
        return DType.F32;
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype) {
        return CpuTensor.allocate(shape, dtype);
    }

    @Override
    public Tensor upload(float[] host, Shape shape, DType dtype) {
        requireSize(host.length, shape);
        CpuTensor t = CpuTensor.allocate(shape, dtype);
        System.arraycopy(host, 0, t.floats(), 0, host.length);
        return t;
    }

    @Override
    public Tensor uploadInts(int[] host, Shape shape) {
        requireSize(host.length, shape);
        CpuTensor t = CpuTensor.allocate(shape, DType.I32);
        System.arraycopy(host, 0, t.ints(), 0, host.length);
        return t;
    }

    @Override
    public void write(Tensor dst, float[] host) {
        CpuTensor d = CpuTensor.of(dst);
        requireSize(host.length, d.shape());
        System.arraycopy(host, 0, d.floats(), d.offset(), host.length);
    }

    @Override
    public void writeInts(Tensor dst, int[] host) {
        CpuTensor d = CpuTensor.of(dst);
        requireSize(host.length, d.shape());
        System.arraycopy(host, 0, d.ints(), d.offset(), host.length);
    }

    @Override
    public float[] download(Tensor t) {
        CpuTensor c = CpuTensor.of(t);
        return Arrays.copyOfRange(c.floats(), c.offset(), c.offset() + c.size());
    }

    @Override
    public int[] downloadInts(Tensor t) {
        CpuTensor c = CpuTensor.of(t);
        return Arrays.copyOfRange(c.ints(), c.offset(), c.offset() + c.size());
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        CpuTensor d = CpuTensor.of(dst);
        CpuTensor s = CpuTensor.of(src);
        if (d.numel() != s.numel()) {
            throw new IllegalArgumentException("copy of " + s.shape() + " into " + d.shape());
        }
        if (s.dtype().isFloating()) {
            System.arraycopy(s.floats(), s.offset(), d.floats(), d.offset(), s.size());
        } else {
            System.arraycopy(s.ints(), s.offset(), d.ints(), d.offset(), s.size());
        }
    }

    @Override
    public void fill(Tensor t, float value) {
        CpuTensor c = CpuTensor.of(t);
        if (c.dtype().isFloating()) {
            Arrays.fill(c.floats(), c.offset(), c.offset() + c.size(), value);
        } else {
            Arrays.fill(c.ints(), c.offset(), c.offset() + c.size(), (int) value);
        }
    }

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta) {
        matmul.run(CpuTensor.of(a), transA, CpuTensor.of(b), transB, CpuTensor.of(c), alpha, beta);
    }

    @Override
    public void embeddingForward(Tensor table, Tensor ids, Tensor out) {
        embedding.forward(table, ids, out);
    }

    @Override
    public void embeddingBackward(Tensor dout, Tensor ids, Tensor dtable) {
        embedding.backward(dout, ids, dtable);
    }

    @Override
    public void rmsNormForward(Tensor x, Tensor out, Tensor rstd, float eps) {
        norms.forward(x, out, rstd, eps);
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor rstd, Tensor dout, Tensor dx, boolean accumulate) {
        norms.backward(x, rstd, dout, dx, accumulate);
    }

    @Override
    public void axpby(Tensor out, float a, Tensor x, float b, Tensor y) {
        elementwise.axpby(out, a, x, b, y);
    }

    @Override
    public void dot(Tensor a, Tensor b, Tensor dst, int index, float scale, boolean accumulate) {
        elementwise.dot(a, b, dst, index, scale, accumulate);
    }

    @Override
    public void relu2Forward(Tensor h, Tensor out) {
        elementwise.relu2Forward(h, out);
    }

    @Override
    public void relu2Backward(Tensor h, Tensor dout, Tensor dh) {
        elementwise.relu2Backward(h, dout, dh);
    }

    @Override
    public void softcap(Tensor x, Tensor out, float a, float b, float c) {
        elementwise.softcap(x, out, a, b, c);
    }

    @Override
    public void gateForward(Tensor x, Tensor w, Tensor sig) {
        gates.gateForward(x, w, sig);
    }

    @Override
    public void gateBackward(Tensor x, Tensor w, Tensor sig, Tensor dgate, float scale, Tensor dx, Tensor dw) {
        gates.gateBackward(x, w, sig, dgate, scale, dx, dw);
    }

    @Override
    public void gatedAdd(Tensor out, Tensor base, Tensor src, Tensor gate, float scale) {
        gates.gatedAdd(out, base, src, gate, scale);
    }

    @Override
    public void gatedAddBackward(Tensor dout, Tensor src, Tensor gate, float scale, Tensor dsrc, boolean accumulate,
                                 Tensor dgate) {
        gates.gatedAddBackward(dout, src, gate, scale, dsrc, accumulate, dgate);
    }

    @Override
    public void rotaryForward(Tensor x, Tensor cos, Tensor sin, Tensor out) {
        rotary.forward(x, cos, sin, out, false);
    }

    @Override
    public void rotaryBackward(Tensor dout, Tensor cos, Tensor sin, Tensor dx) {
        rotary.forward(dout, cos, sin, dx, true);
    }

    @Override
    public void rotaryHalfForward(Tensor x, Tensor cos, Tensor sin, Tensor out) {
        rotary.half(x, cos, sin, out, false);
    }

    @Override
    public void rotaryHalfBackward(Tensor dout, Tensor cos, Tensor sin, Tensor dx) {
        rotary.half(dout, cos, sin, dx, true);
    }

    @Override
    public void keyOffsetForward(Tensor src, Tensor dst) {
        rotary.keyOffset(src, dst, false);
    }

    @Override
    public void keyOffsetBackward(Tensor dout, Tensor dsrc) {
        rotary.keyOffset(dout, dsrc, true);
    }

    @Override
    public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale, int window,
                                 float scale, Tensor out, Tensor lse) {
        attention.forward(q, k, v, cuSeqlens, seqScale, window, scale, out, lse);
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Tensor dout,
                                  Tensor cuSeqlens, int seqScale, int window, float scale,
                                  Tensor dq, Tensor dk, Tensor dv, Tensor delta) {
        attention.backward(q, k, v, out, lse, dout, cuSeqlens, seqScale, window, scale, dq, dk, dv, delta);
    }

    @Override
    public void softcappedCrossEntropy(Tensor logits, Tensor targets, float[] weights, float a, float b, float c,
                                       Tensor losses, Tensor dlogits) {
        loss.softcappedCrossEntropy(logits, targets, weights, a, b, c, losses, dlogits);
    }

    @Override
    public void scaledAdd(Tensor out, Tensor base, Tensor src, Tensor scale) {
        scales.scaledAdd(out, base, src, scale);
    }

    @Override
    public void scaledAddBackward(Tensor dout, Tensor src, Tensor scale, Tensor dsrc, boolean accumulate,
                                  Tensor dscale) {
        scales.scaledAddBackward(dout, src, scale, dsrc, accumulate, dscale);
    }

    @Override
    public void synchronize() {
        // every CPU operation completes before it returns
    }

    @Override
    public void close() {
        matmul.close();
        threads.close();
    }

    private static void requireSize(int length, Shape shape) {
        if (length != shape.numel()) {
            throw new IllegalArgumentException(length + " host elements do not fill shape " + shape);
        }
    }
}
