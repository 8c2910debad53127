package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaEvent;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A CudaOps that also times every operation with a pair of CUDA events on its stream, for the
 * per-operation table of {@code baton bench}: {@link #report()} waits for the stream and returns
 * the summed device time and call count per operation name since the last {@link #reset()}.
 * Events come from a pool that grows to the number of calls of one profiled region and is reused.
 * Timing adds a few microseconds per call; the backend's results are unchanged.
 */
public final class ProfilingOps implements Ops {
    /** Summed device milliseconds and calls of one operation. */
    public record OpTime(String op, double millis, int calls) {
    }

    private final CudaOps ops;
    private final List<CudaEvent> pool = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private int used;
    private boolean enabled = true;

    public ProfilingOps(CudaOps ops) {
        this.ops = ops;
    }

    /**
     * Turns timing on or off; while off every call goes straight to the backend (no events), so
     * that timed runs of a benchmark carry no profiling cost and one region can still be profiled.
     */
    public void setEnabled(boolean on) {
        enabled = on;
    }

    /** Times {@code work} (device work enqueued on the backend's stream) under {@code op}; also for callers outside Ops. */
    public void time(String op, Runnable work) {
        timed(op, () -> {
            work.run();
            return null;
        });
    }

    private void timed(String op, Runnable work) {
        time(op, work);
    }

    private <T> T timed(String op, Supplier<T> work) {
        if (!enabled) {
            return work.get();
        }
        while (pool.size() < used + 2) {
            pool.add(CudaEvent.createTiming());
        }
        pool.get(used).record(ops.stream());
        T result = work.get();
        pool.get(used + 1).record(ops.stream());
        used += 2;
        names.add(op);
        return result;
    }

    /** Forgets the calls timed so far (the events are kept for reuse). */
    public void reset() {
        used = 0;
        names.clear();
    }

    /** Waits for the stream; per operation, in order of first call: summed milliseconds and calls. */
    public List<OpTime> report() {
        ops.synchronize();
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            double ms = CudaEvent.elapsedMillis(pool.get(2 * i), pool.get(2 * i + 1));
            double[] s = sums.computeIfAbsent(names.get(i), k -> new double[2]);
            s[0] += ms;
            s[1] += 1;
        }
        List<OpTime> out = new ArrayList<>();
        sums.forEach((k, v) -> out.add(new OpTime(k, v[0], (int) v[1])));
        return out;
    }

    @Override
    public String name() {
        return ops.name();
    }

    @Override
    public DType activationType() {
        return ops.activationType();
    }

    @Override
    public DType parameterType() {
        return ops.parameterType();
    }

    @Override
    public DType gradientType() {
        return ops.gradientType();
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype) {
        return ops.allocate(shape, dtype);
    }

    @Override
    public Tensor upload(float[] host, Shape shape, DType dtype) {
        return ops.upload(host, shape, dtype);
    }

    @Override
    public Tensor uploadInts(int[] host, Shape shape) {
        return ops.uploadInts(host, shape);
    }

    @Override
    public void write(Tensor dst, float[] host) {
        timed("write (host to device)", () -> ops.write(dst, host));
    }

    @Override
    public void writeInts(Tensor dst, int[] host) {
        timed("write (host to device)", () -> ops.writeInts(dst, host));
    }

    @Override
    public float[] download(Tensor t) {
        return timed("download (device to host)", () -> ops.download(t));
    }

    @Override
    public int[] downloadInts(Tensor t) {
        return timed("download (device to host)", () -> ops.downloadInts(t));
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        timed("copy", () -> ops.copy(dst, src));
    }

    @Override
    public void fill(Tensor t, float value) {
        timed("fill", () -> ops.fill(t, value));
    }

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float alpha, float beta) {
        timed(matmulName(a, transA, c), () -> ops.matmul(a, transA, b, transB, c, alpha, beta));
    }

    @Override
    public void embeddingForward(Tensor table, Tensor ids, Tensor out) {
        timed("embeddingForward", () -> ops.embeddingForward(table, ids, out));
    }

    @Override
    public void embeddingBackward(Tensor dout, Tensor ids, Tensor dtable) {
        timed("embeddingBackward", () -> ops.embeddingBackward(dout, ids, dtable));
    }

    @Override
    public void rmsNormForward(Tensor x, Tensor out, Tensor rstd, float eps) {
        timed("rmsNormForward", () -> ops.rmsNormForward(x, out, rstd, eps));
    }

    @Override
    public void rmsNormBackward(Tensor x, Tensor rstd, Tensor dout, Tensor dx, boolean accumulate) {
        timed("rmsNormBackward", () -> ops.rmsNormBackward(x, rstd, dout, dx, accumulate));
    }

    @Override
    public void axpby(Tensor out, float a, Tensor x, float b, Tensor y) {
        timed("axpby", () -> ops.axpby(out, a, x, b, y));
    }

    @Override
    public void dot(Tensor a, Tensor b, Tensor dst, int index, float scale, boolean accumulate) {
        timed("dot", () -> ops.dot(a, b, dst, index, scale, accumulate));
    }

    @Override
    public void relu2Forward(Tensor h, Tensor out) {
        timed("relu2Forward", () -> ops.relu2Forward(h, out));
    }

    @Override
    public void relu2Backward(Tensor h, Tensor dout, Tensor dh) {
        timed("relu2Backward", () -> ops.relu2Backward(h, dout, dh));
    }

    @Override
    public void softcap(Tensor x, Tensor out, float a, float b, float c) {
        timed("softcap", () -> ops.softcap(x, out, a, b, c));
    }

    @Override
    public void gateForward(Tensor x, Tensor w, Tensor sig) {
        timed("gateForward", () -> ops.gateForward(x, w, sig));
    }

    @Override
    public void gateBackward(Tensor x, Tensor w, Tensor sig, Tensor dgate, float scale, Tensor dx, Tensor dw) {
        timed("gateBackward", () -> ops.gateBackward(x, w, sig, dgate, scale, dx, dw));
    }

    @Override
    public void gatedAdd(Tensor out, Tensor base, Tensor src, Tensor gate, float scale) {
        timed("gatedAdd", () -> ops.gatedAdd(out, base, src, gate, scale));
    }

    @Override
    public void gatedAddBackward(Tensor dout, Tensor src, Tensor gate, float scale, Tensor dsrc, boolean accumulate,
                                 Tensor dgate) {
        timed("gatedAddBackward", () -> ops.gatedAddBackward(dout, src, gate, scale, dsrc, accumulate, dgate));
    }

    @Override
    public void rotaryForward(Tensor x, Tensor cos, Tensor sin, Tensor out) {
        timed("rotaryForward", () -> ops.rotaryForward(x, cos, sin, out));
    }

    @Override
    public void rotaryBackward(Tensor dout, Tensor cos, Tensor sin, Tensor dx) {
        timed("rotaryBackward", () -> ops.rotaryBackward(dout, cos, sin, dx));
    }

    @Override
    public void rotaryHalfForward(Tensor x, Tensor cos, Tensor sin, Tensor out) {
        timed("rotaryHalfForward", () -> ops.rotaryHalfForward(x, cos, sin, out));
    }

    @Override
    public void rotaryHalfBackward(Tensor dout, Tensor cos, Tensor sin, Tensor dx) {
        timed("rotaryHalfBackward", () -> ops.rotaryHalfBackward(dout, cos, sin, dx));
    }

    @Override
    public void scaledAdd(Tensor out, Tensor base, Tensor src, Tensor scale) {
        timed("scaledAdd", () -> ops.scaledAdd(out, base, src, scale));
    }

    @Override
    public void scaledAddBackward(Tensor dout, Tensor src, Tensor scale, Tensor dsrc, boolean accumulate,
                                 Tensor dscale) {
        timed("scaledAddBackward", () -> ops.scaledAddBackward(dout, src, scale, dsrc, accumulate, dscale));
    }

    @Override
    public void keyOffsetForward(Tensor src, Tensor dst) {
        timed("keyOffsetForward", () -> ops.keyOffsetForward(src, dst));
    }

    @Override
    public void keyOffsetBackward(Tensor dout, Tensor dsrc) {
        timed("keyOffsetBackward", () -> ops.keyOffsetBackward(dout, dsrc));
    }

    @Override
    public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor cuSeqlens, int seqScale, int window,
                                 float scale, Tensor out, Tensor lse) {
        timed("attentionForward", () -> ops.attentionForward(q, k, v, cuSeqlens, seqScale, window, scale, out, lse));
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Tensor dout,
                                  Tensor cuSeqlens, int seqScale, int window, float scale,
                                  Tensor dq, Tensor dk, Tensor dv, Tensor delta) {
        timed("attentionBackward", () -> ops.attentionBackward(q, k, v, out, lse, dout, cuSeqlens, seqScale, window,
                scale, dq, dk, dv, delta));
    }

    @Override
    public void softcappedCrossEntropy(Tensor logits, Tensor targets, float[] weights, float a, float b, float c,
                                       Tensor losses, Tensor dlogits) {
        timed("softcappedCrossEntropy", () -> ops.softcappedCrossEntropy(logits, targets, weights, a, b, c, losses,
                dlogits));
    }

    /** "matmul MxNxK" (with "B×" in front when batched): GEMMs of different shapes are different rows of the table. */
    static String matmulName(Tensor a, boolean transA, Tensor c) {
        Shape sc = c.shape();
        Shape sa = a.shape();
        int m = sc.dim(sc.rank() - 2);
        int n = sc.dim(sc.rank() - 1);
        int k = transA ? sa.dim(sa.rank() - 2) : sa.dim(sa.rank() - 1);
        String batch = sc.rank() > 2 ? sc.dim(0) + "x" : "";
        return "matmul " + batch + m + "x" + n + "x" + k;
    }

    @Override
    public void synchronize() {
        ops.synchronize();
    }

    /** Releases the events; the wrapped backend stays open (it is the caller's). */
    @Override
    public void close() {
        ops.synchronize();
        pool.forEach(CudaEvent::close);
        pool.clear();
    }
}
