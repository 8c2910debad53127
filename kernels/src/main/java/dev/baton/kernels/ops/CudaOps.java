package dev.baton.kernels.ops;

import dev.baton.kernels.blas.CublasLt;
import dev.baton.kernels.driver.CudaDevice;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.Arrays;

/**
 * The CUDA backend: every operation of the model on one GPU, in the record's precision. Weights
 * and activations are bf16 (GEMM inputs), per-row statistics (rstd, lse, gates), losses and
 * parameter gradients fp32; every kernel computes in fp32 and every reduction accumulates in fp32
 * or fp64. Matrix products go to cuBLASLt (bf16 inputs, fp32 accumulation), attention to the tiled
 * kernels of {@link CudaAttention}; the rest are the fused kernels of {@code src/main/cuda}, one
 * concern per file and per class here.
 *
 * <p>All work is enqueued on one stream, in call order; only {@link #download}, {@link #downloadInts}
 * and {@link #synchronize} wait. The calling thread must have the device's context current (the
 * thread that opened it, or one that called {@link CudaDevice#makeCurrent()}).
 */
public final class CudaOps implements Ops {
    private final CudaDevice device;
    private final boolean ownsDevice;
    private final DType precision;
    private final CudaStream stream;
    private final boolean ownsStream;
    private final DeviceProperties properties;
    private final CublasLt blas;
    private final CudaMatmul matmul;
    private final Elementwise elementwise;
    private final CudaPointwise pointwise;
    private final CudaReduce reduce;
    private final CudaNorms norms;
    private final CudaRotary rotary;
    private final CudaScales scales;
    private final CudaGates gates;
    private final CudaEmbedding embedding;
    private final CudaLoss loss;
    private final CudaAttention attention;
    private final RowwiseAttention referenceAttention;

    private CudaOps(CudaDevice device, boolean ownsDevice, DType precision, CudaStream given) {
        if (precision != DType.BF16 && precision != DType.F32) {
            throw new IllegalArgumentException("CudaOps precision is bf16 (the record) or fp32 (reference), not "
                    + precision);
        }
        this.device = device;
        this.ownsDevice = ownsDevice;
        this.precision = precision;
        this.properties = device.properties();
        this.ownsStream = given == null;
        this.stream = given != null ? given : CudaStream.create();
        this.blas = CublasLt.create();
        this.matmul = new CudaMatmul(blas, CublasLt.RECOMMENDED_WORKSPACE_BYTES);
        this.elementwise = Elementwise.load(properties);
        this.pointwise = new CudaPointwise(properties, stream);
        this.reduce = new CudaReduce(properties, stream);
        this.norms = new CudaNorms(properties, stream);
        this.rotary = new CudaRotary(properties, stream);
        this.scales = new CudaScales(properties, stream);
        this.gates = new CudaGates(properties, stream);
        this.embedding = new CudaEmbedding(properties, stream);
        this.loss = new CudaLoss(properties, stream);
        this.attention = CudaAttention.load(properties);
        this.referenceAttention = new RowwiseAttention(properties, stream);
    }

    /** Opens device {@code ordinal} (its primary context becomes current on this thread) and owns it. */
    public static CudaOps open(int ordinal) {
        return open(ordinal, DType.BF16);
    }

    /**
     * As {@link #open(int)}, with the type of activations and weights: bf16 (the record) or fp32,
     * a reference mode in which every kernel and GEMM (cuBLASLt fp32, no TF32) runs on fp32 data, so
     * that tests can tell a kernel's error from bf16 rounding.
     */
    public static CudaOps open(int ordinal, DType precision) {
        CudaDevice d = CudaDevice.open(ordinal);
        try {
            return new CudaOps(d, true, precision, null);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** A bf16 backend on an already open device, which stays the caller's; the stream is this backend's. */
    public static CudaOps on(CudaDevice device) {
        return new CudaOps(device, false, DType.BF16, null);
    }

    /**
     * A bf16 backend on an already open device that enqueues on {@code stream}; both stay the
     * caller's. The actor runtime's CUDA backend uses it so that the device's compute stream,
     * which the worker's events are recorded on, is the stream every operation runs on.
     */
    public static CudaOps on(CudaDevice device, CudaStream stream) {
        return new CudaOps(device, false, DType.BF16, stream);
    }

    public CudaDevice device() {
        return device;
    }

    /** The stream every operation is enqueued on. */
    public CudaStream stream() {
        return stream;
    }

    @Override
    public String name() {
        return "cuda:" + properties.ordinal();
    }

    /** bf16 (fp32 in the reference mode). */
    @Override
    public DType activationType() {
        return precision;
    }

    /** bf16, the record's weights (fp32 in the reference mode). */
    @Override
    public DType parameterType() {
        return precision;
    }

    /** fp32: micro-batch and two-step Adam accumulation without bf16 rounding (the record keeps bf16). */
    @Override
    public DType gradientType() {
        return DType.F32;
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype) {
        CudaTensor t = CudaTensor.allocate(shape, dtype);
        t.zero(stream);
        return t;
    }

    @Override
    public Tensor upload(float[] host, Shape shape, DType dtype) {
        CudaTensor t = CudaTensor.allocate(shape, dtype);
        try {
            t.copyFrom(host, stream);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    @Override
    public Tensor uploadInts(int[] host, Shape shape) {
        CudaTensor t = CudaTensor.allocate(shape, DType.I32);
        try {
            t.copyFromInts(host, stream);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    @Override
    public void write(Tensor dst, float[] host) {
        CudaTensor.of(dst).copyFrom(host, stream);
    }

    @Override
    public void writeInts(Tensor dst, int[] host) {
        CudaTensor.of(dst).copyFromInts(host, stream);
    }

    @Override
    public float[] download(Tensor t) {
        return CudaTensor.of(t).toFloats(stream);
    }

    @Override
    public int[] downloadInts(Tensor t) {
        return CudaTensor.of(t).toInts(stream);
    }

    /** Same dtype: a device copy; fp32 ↔ bf16: a converting kernel (round to nearest even). */
    @Override
    public void copy(Tensor dst, Tensor src) {
        CudaTensor d = CudaTensor.of(dst);
        CudaTensor s = CudaTensor.of(src);
        if (d.numel() != s.numel()) {
            throw new IllegalArgumentException("copy of " + s.shape() + " into " + d.shape());
        }
        if (d.dtype() == s.dtype()) {
            d.copyFrom(s, stream);
        } else {
            pointwise.convert(d, s);
        }
    }

    @Override
    public void fill(Tensor t, float value) {
        CudaTensor c = CudaTensor.of(t);
        if (value == 0f && Float.floatToRawIntBits(value) == 0) {
            c.zero(stream);
        } else if (c.dtype() == DType.I32) {
            int[] host = new int[Math.toIntExact(c.numel())];
            Arrays.fill(host, (int) value);
            c.copyFromInts(host, stream);
        } else {
            elementwise.fill(c, value, stream);
        }
    }

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta) {
        matmul.run(CudaTensor.of(a), transA, CudaTensor.of(b), transB, CudaTensor.of(c), alpha, beta, stream);
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
        pointwise.axpby(out, a, x, b, y);
    }

    @Override
    public void dot(Tensor a, Tensor b, Tensor dst, int index, float scale, boolean accumulate) {
        reduce.dot(a, b, dst, index, scale, accumulate);
    }

    @Override
    public void relu2Forward(Tensor h, Tensor out) {
        pointwise.relu2Forward(h, out);
    }

    @Override
    public void relu2Backward(Tensor h, Tensor dout, Tensor dh) {
        pointwise.relu2Backward(h, dout, dh);
    }

    @Override
    public void softcap(Tensor x, Tensor out, float a, float b, float c) {
        pointwise.softcap(x, out, a, b, c);
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
        rotary.rotate(x, cos, sin, out, false);
    }

    @Override
    public void rotaryBackward(Tensor dout, Tensor cos, Tensor sin, Tensor dx) {
        rotary.rotate(dout, cos, sin, dx, true);
    }

    @Override
    public void rotaryHalfForward(Tensor x, Tensor cos, Tensor sin, Tensor out) {
        rotary.rotateHalf(x, cos, sin, out, false);
    }

    @Override
    public void rotaryHalfBackward(Tensor dout, Tensor cos, Tensor sin, Tensor dx) {
        rotary.rotateHalf(dout, cos, sin, dx, true);
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
    public void keyOffsetForward(Tensor src, Tensor dst) {
        rotary.keyOffset(src, dst, false);
    }

    @Override
    public void keyOffsetBackward(Tensor dout, Tensor dsrc) {
        rotary.keyOffset(dout, dsrc, true);
    }

    /** bf16: the tiled tensor-core kernels of {@link CudaAttention}; fp32 (reference mode): {@link RowwiseAttention}. */
    @Override
    public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale, int window,
                                 float scale, Tensor out, Tensor lse) {
        if (q.dtype() == DType.BF16) {
            attention.forward(CudaTensor.of(q), CudaTensor.of(k), CudaTensor.of(v), CudaTensor.of(cuSeqlens), seqScale,
                    window, scale, CudaTensor.of(out), CudaTensor.of(lse), stream);
        } else {
            referenceAttention.attentionForward(q, k, v, cuSeqlens, seqScale, window, scale, out, lse);
        }
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Tensor dout,
                                  Tensor cuSeqlens, int seqScale, int window, float scale,
                                  Tensor dq, Tensor dk, Tensor dv, Tensor delta) {
        if (q.dtype() == DType.BF16) {
            attention.backward(CudaTensor.of(q), CudaTensor.of(k), CudaTensor.of(v), CudaTensor.of(out),
                    CudaTensor.of(lse), CudaTensor.of(dout), CudaTensor.of(cuSeqlens), seqScale, window, scale,
                    CudaTensor.of(dq), CudaTensor.of(dk), CudaTensor.of(dv), CudaTensor.of(delta), stream);
        } else {
            referenceAttention.attentionBackward(q, k, v, out, lse, dout, cuSeqlens, seqScale, window, scale, dq, dk,
                    dv, delta);
        }
    }

    @Override
    public void softcappedCrossEntropy(Tensor logits, Tensor targets, float[] weights, float a, float b, float c,
                                       Tensor losses, Tensor dlogits) {
        loss.softcappedCrossEntropy(logits, targets, weights, a, b, c, losses, dlogits);
    }

    @Override
    public void synchronize() {
        stream.synchronize();
    }

    /** Waits for the stream, then releases the kernels, cuBLASLt, an owned stream and an owned device. */
    @Override
    public void close() {
        device.makeCurrent();
        stream.synchronize();
        attention.close();
        referenceAttention.close();
        loss.close();
        embedding.close();
        gates.close();
        scales.close();
        rotary.close();
        norms.close();
        reduce.close();
        pointwise.close();
        elementwise.close();
        matmul.close();
        blas.close();
        if (ownsStream) {
            stream.close();
        }
        if (ownsDevice) {
            device.close();
        }
    }
}
