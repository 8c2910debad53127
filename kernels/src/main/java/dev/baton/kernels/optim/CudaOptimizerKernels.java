package dev.baton.kernels.optim;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceBuffer;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.kernels.driver.LaunchShape;
import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.ops.RowLanes;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.runtime.optim.OptimizerKernels;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Tensor;
import jcuda.Pointer;

import java.util.HashMap;
import java.util.Map;

/**
 * The optimizer's fused steps on the GPU ({@code optimizer.cu}): Adam, the Nesterov mix, Frobenius
 * and variance normalisation, the cautious NorMuon step and the tie transposes, with fp32 state and
 * fp32 or bf16 parameters, gradients and updates; Polar Express itself runs as batched bf16
 * cuBLASLt GEMMs through {@code Ops.matmul}.
 *
 * <p>NorMuon's fp32 master weights live here, as the record keeps them: for a bf16 parameter the
 * first {@link #cautiousStep} creates a zeroed uint16 mantissa buffer keyed by the parameter's
 * device address, so master = bits(p) ≪ 16 | mantissa and p is the master's upper half (truncated).
 * Scratch (partials, per-row statistics, per-matrix learning rates) grows on demand. All work is
 * enqueued on the backend's stream.
 */
public final class CudaOptimizerKernels implements OptimizerKernels {
    private static final int THREADS = 256;
    private static final int BLOCKS_PER_SM = 8;
    /** Blocks per matrix of the Frobenius partial sums. */
    static final int FROB_PARTS = 32;

    private final DeviceProperties device;
    private final CudaStream stream;
    private final CudaModule module;
    private final CudaKernel adam;
    private final CudaKernel nesterov;
    private final CudaKernel frobPartial;
    private final CudaKernel frobScale;
    private final CudaKernel rowMean;
    private final CudaKernel colMean;
    private final CudaKernel varScale;
    private final CudaKernel varApply;
    private final CudaKernel cautious;
    private final CudaKernel transpose;
    private final DeviceScratch partials;
    private final DeviceScratch means;
    private final DeviceScratch scales;
    private final DeviceScratch rates;
    private final Map<Long, DeviceBuffer> mantissas = new HashMap<>();

    public CudaOptimizerKernels(CudaOps ops) {
        this(ops.device().properties(), ops.stream());
    }

    public CudaOptimizerKernels(DeviceProperties device, CudaStream stream) {
        this.device = device;
        this.stream = stream;
        this.module = CudaModule.load("optimizer", device);
        this.adam = module.kernel("baton_adam");
        this.nesterov = module.kernel("baton_nesterov");
        this.frobPartial = module.kernel("baton_frob_partial");
        this.frobScale = module.kernel("baton_frob_scale");
        this.rowMean = module.kernel("baton_var_rowmean");
        this.colMean = module.kernel("baton_var_colmean");
        this.varScale = module.kernel("baton_var_scale");
        this.varApply = module.kernel("baton_var_apply");
        this.cautious = module.kernel("baton_cautious");
        this.transpose = module.kernel("baton_transpose");
        this.partials = new DeviceScratch(stream);
        this.means = new DeviceScratch(stream);
        this.scales = new DeviceScratch(stream);
        this.rates = new DeviceScratch(stream);
    }

    private LaunchShape flat(long n) {
        return LaunchShape.gridStride(Math.max(1, n), THREADS, device, BLOCKS_PER_SM);
    }

    private static int mask(String op, Tensor... slots) {
        int m = 0;
        for (int i = 0; i < slots.length; i++) {
            DType t = slots[i].dtype();
            if (t == DType.BF16) {
                m |= 1 << i;
            } else if (t != DType.F32) {
                throw new IllegalArgumentException(op + ": fp32 or bf16 tensors only, got " + t);
            }
        }
        return m;
    }

    private static CudaTensor same(String op, Tensor ref, Tensor other) {
        if (other.numel() != ref.numel()) {
            throw new IllegalArgumentException(op + ": tensor " + other.shape() + " does not match " + ref.shape());
        }
        return CudaTensor.of(other);
    }

    private static CudaTensor fp32(String op, Tensor t, String what) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException(op + ": " + what + " must be fp32 state, is " + t.dtype());
        }
        return CudaTensor.of(t);
    }

    /** (n, rows, cols) of a matrix stack. */
    private static int[] matrices(String op, Tensor x) {
        if (x.shape().rank() != 3) {
            throw new IllegalArgumentException(op + ": expects (n, rows, cols), got " + x.shape());
        }
        return new int[] {x.shape().dim(0), x.shape().dim(1), x.shape().dim(2)};
    }

    @Override
    public void adam(Tensor p, Tensor g, Tensor expAvg, Tensor expAvgSq, float beta1, float oneMinusBeta1,
                     float beta2, float oneMinusBeta2, float eps, float stepSize, float effWd) {
        String op = "adam";
        CudaTensor tp = CudaTensor.of(p);
        CudaTensor tg = same(op, p, g);
        CudaTensor tm = fp32(op, same(op, p, expAvg), "exp_avg");
        CudaTensor tv = fp32(op, same(op, p, expAvgSq), "exp_avg_sq");
        long n = p.numel();
        if (n == 0) {
            return;
        }
        adam.launch(flat(n), stream, KernelArgs.of().pointer(tp.address()).pointer(tg.address()).pointer(tm.address())
                .pointer(tv.address()).f32(beta1).f32(oneMinusBeta1).f32(beta2).f32(oneMinusBeta2).f32(eps)
                .f32(stepSize).f32(effWd).i64(n).i32(mask(op, p, g)));
    }

    @Override
    public void nesterov(Tensor momentum, Tensor g, Tensor out, float oneMinusMu, float mu) {
        String op = "nesterov";
        CudaTensor tm = fp32(op, momentum, "momentum");
        CudaTensor tg = same(op, momentum, g);
        CudaTensor to = same(op, momentum, out);
        long n = momentum.numel();
        if (n == 0) {
            return;
        }
        nesterov.launch(flat(n), stream, KernelArgs.of().pointer(tm.address()).pointer(tg.address())
                .pointer(to.address()).f32(oneMinusMu).f32(mu).i64(n).i32(mask(op, g, out)));
    }

    @Override
    public void normalizeFrobenius(Tensor x, float safety, float eps) {
        String op = "normalizeFrobenius";
        int[] s = matrices(op, x);
        CudaTensor t = CudaTensor.of(x);
        long per = (long) s[1] * s[2];
        if (s[0] == 0 || per == 0) {
            return;
        }
        long parts = partials.ensure(8L * s[0] * FROB_PARTS);
        int types = mask(op, x);
        frobPartial.launch(new LaunchShape(FROB_PARTS, s[0], 1, THREADS, 1, 1, 0), stream, KernelArgs.of()
                .pointer(t.address()).i64(per).pointer(parts).i32(types));
        int blocks = (int) Math.max(1, Math.min(4L * device.multiprocessors(), (per + THREADS - 1) / THREADS));
        frobScale.launch(new LaunchShape(blocks, s[0], 1, THREADS, 1, 1, 0), stream, KernelArgs.of()
                .pointer(t.address()).i64(per).pointer(parts).i32(FROB_PARTS).f32(safety).f32(eps).i32(types));
    }

    @Override
    public void normalizeVariance(Tensor v, Tensor secondMoment, float oneMinusBeta2, boolean perRow) {
        String op = "normalizeVariance";
        int[] s = matrices(op, v);
        int n = s[0], r = s[1], c = s[2];
        int stats = perRow ? r : c;
        CudaTensor tv = CudaTensor.of(v);
        CudaTensor ts = fp32(op, secondMoment, "second moment");
        if (ts.numel() != (long) n * stats) {
            throw new IllegalArgumentException(op + ": second moment " + ts.shape() + " does not fit " + v.shape()
                    + (perRow ? " per row" : " per column"));
        }
        if (n == 0 || r == 0 || c == 0) {
            return;
        }
        int types = mask(op, v);
        long mean = means.ensure(4L * n * stats);
        long scale = scales.ensure(4L * n * stats);
        if (perRow) {
            long rows = (long) n * r;
            int lanes = RowLanes.forRow(8L * c); // one element per lane step: lanes = min(32, pow2 ≥ c)
            rowMean.launch(RowLanes.shape(rows, lanes), stream, KernelArgs.of().pointer(tv.address()).i64(rows).i32(c)
                    .i32(lanes).pointer(mean).i32(types));
        } else {
            long cols = (long) n * c;
            colMean.launch(LaunchShape.linear((int) ((cols + THREADS - 1) / THREADS), THREADS), stream,
                    KernelArgs.of().pointer(tv.address()).i32(n).i32(r).i32(c).pointer(mean).i32(types));
        }
        varScale.launch(LaunchShape.linear(n, THREADS), stream, KernelArgs.of().pointer(mean).pointer(ts.address())
                .pointer(scale).i32(stats).i32(perRow ? c : r).f32(oneMinusBeta2));
        long total = (long) n * r * c;
        varApply.launch(flat(total), stream, KernelArgs.of().pointer(tv.address()).pointer(scale).i64(total).i32(r)
                .i32(c).i32(perRow ? 1 : 0).i32(types));
    }

    @Override
    public void cautiousStep(Tensor p, Tensor v, float[] lr, float wd) {
        String op = "cautiousStep";
        CudaTensor tp = CudaTensor.of(p);
        CudaTensor tv = same(op, p, v);
        int n = p.shape().dim(0);
        if (lr.length != n) {
            throw new IllegalArgumentException(op + ": " + lr.length + " learning rates for " + n + " matrices");
        }
        long total = p.numel();
        if (total == 0) {
            return;
        }
        long per = total / n;
        long rateAddress = rates.ensure(4L * n);
        rates.buffer().copyFromHost(0, Pointer.to(lr.clone()), 4L * n, stream);
        long mantissa = tp.dtype() == DType.BF16 ? mantissaOf(tp).address() : 0L;
        cautious.launch(flat(total), stream, KernelArgs.of().pointer(tp.address()).pointer(tv.address())
                .pointer(rateAddress).f32(wd).i64(per).i64(total).pointer(mantissa).i32(mask(op, p, v)));
    }

    /** The mantissa buffer of a bf16 NorMuon parameter, created zeroed (master = the bf16 value). */
    private DeviceBuffer mantissaOf(CudaTensor p) {
        DeviceBuffer m = mantissas.get(p.address());
        if (m != null && m.bytes() != 2 * p.numel()) {
            throw new IllegalArgumentException("cautiousStep: parameter at the same address as an earlier one of "
                    + m.bytes() / 2 + " elements now has " + p.numel());
        }
        if (m == null) {
            m = DeviceBuffer.allocate(2 * p.numel());
            m.zero(0, m.bytes(), stream);
            mantissas.put(p.address(), m);
        }
        return m;
    }

    /** The mantissa of the master weight behind a bf16 parameter, or null before its first step (tests). */
    DeviceBuffer mantissa(Tensor p) {
        return mantissas.get(CudaTensor.of(p).address());
    }

    @Override
    public void addTransposed(Tensor dst, Tensor src) {
        int a = dst.shape().dim(0), b = dst.shape().dim(1);
        if (src.shape().dim(0) != b || src.shape().dim(1) != a) {
            throw new IllegalArgumentException("cannot add the transpose of " + src.shape() + " to " + dst.shape());
        }
        launchTranspose("addTransposed", dst, src, a, b, a, 0, true);
    }

    @Override
    public void transposeColumns(Tensor dst, Tensor src, int colStart) {
        int c = dst.shape().dim(0), a = dst.shape().dim(1);
        int b = src.shape().dim(1);
        if (src.shape().dim(0) != a || colStart < 0 || colStart + c > b) {
            throw new IllegalArgumentException("cannot take columns [" + colStart + ", " + (colStart + c) + ") of "
                    + src.shape() + " transposed into " + dst.shape());
        }
        launchTranspose("transposeColumns", dst, src, c, a, b, colStart, false);
    }

    private void launchTranspose(String op, Tensor dst, Tensor src, int rows, int cols, long srcLd, int col0,
                                 boolean accumulate) {
        if (rows == 0 || cols == 0) {
            return;
        }
        transpose.launch(new LaunchShape((cols + 31) / 32, (rows + 31) / 32, 1, 32, 8, 1, 0), stream, KernelArgs.of()
                .pointer(CudaTensor.of(dst).address()).pointer(CudaTensor.of(src).address()).i32(rows).i32(cols)
                .i64(srcLd).i32(col0).i32(accumulate ? 1 : 0).i32(mask(op, dst, src)));
    }

    @Override
    public void close() {
        stream.synchronize();
        mantissas.values().forEach(DeviceBuffer::close);
        mantissas.clear();
        partials.close();
        means.close();
        scales.close();
        rates.close();
        module.close();
    }
}
