package dev.baton.runtime.ops.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops the CPU kernels share, on the JDK Vector API: short dot products and axpys
 * (head-sized rows) and the transcendental sweeps (exp, sigmoid) that the JIT would otherwise run
 * one scalar {@code Math.exp} at a time. Each handles its scalar tail.
 *
 * <p>Every result is the same in every JIT tier, so that a run repeats bit for bit (a resumed run
 * starts in the interpreter where the run it continues had C2 code). Hence no
 * {@code reduceLanes(ADD)} (its order is unspecified: the Java fallback sums in lane order, the C2
 * intrinsic as a tree) and no {@code lanewise(EXP)} (C2 calls a vector math library, the fallback
 * {@code Math.exp}): lanes are summed by {@link #sumLanes} and exp is {@link #expLanes}, made of
 * exactly rounded operations only.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements summed in fp32 lanes before the partial sum is moved to fp64. */
    private static final int BLOCK = 32 * L;

    private VectorKernels() {
    }

    /** {@code Σ a[ao+i] · b[bo+i]} for i in [0, n), fp32 lanes. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(S);
            for (; i <= n - L; i += L) {
                acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            }
            sum = sumLanes(acc);
        }
        for (; i < n; i++) {
            sum += a[ao + i] * b[bo + i];
        }
        return sum;
    }

    /**
     * Vector times a row-major matrix: {@code out[t] = Σ_{d < dims} v[vo+d] · m[mo + d·stride + t]}
     * for t in [0, n). With m a transposed key block this scores one query against n keys at once.
     */
    static void vecMat(float[] v, int vo, float[] m, int mo, int stride, int dims, float[] out, int n) {
        int t = 0;
        for (; t <= n - 2 * L; t += 2 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            for (int d = 0; d < dims; d++) {
                FloatVector vd = FloatVector.broadcast(S, v[vo + d]);
                int at = mo + d * stride + t;
                a0 = FloatVector.fromArray(S, m, at).fma(vd, a0);
                a1 = FloatVector.fromArray(S, m, at + L).fma(vd, a1);
            }
            a0.intoArray(out, t);
            a1.intoArray(out, t + L);
        }
        for (; t <= n - L; t += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int d = 0; d < dims; d++) {
                acc = FloatVector.fromArray(S, m, mo + d * stride + t).fma(FloatVector.broadcast(S, v[vo + d]), acc);
            }
            acc.intoArray(out, t);
        }
        for (; t < n; t++) {
            float acc = 0f;
            for (int d = 0; d < dims; d++) {
                acc += v[vo + d] * m[mo + d * stride + t];
            }
            out[t] = acc;
        }
    }

    /**
     * Weighted sum of matrix rows: {@code out[oo+d] = scale · Σ_{t < n} w[t] · m[mo + t·stride + d]} for
     * d in [0, dims), with the running sums held in registers (two vectors of dimensions at a time).
     */
    static void weightedRowSum(float[] w, int n, float[] m, int mo, int stride, int dims, float scale, float[] out,
                               int oo) {
        int d = 0;
        for (; d + 2 * L <= dims; d += 2 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            for (int t = 0; t < n; t++) {
                FloatVector wt = FloatVector.broadcast(S, w[t]);
                int at = mo + t * stride + d;
                a0 = FloatVector.fromArray(S, m, at).fma(wt, a0);
                a1 = FloatVector.fromArray(S, m, at + L).fma(wt, a1);
            }
            a0.mul(scale).intoArray(out, oo + d);
            a1.mul(scale).intoArray(out, oo + d + L);
        }
        for (; d + L <= dims; d += L) {
            FloatVector a0 = FloatVector.zero(S);
            for (int t = 0; t < n; t++) {
                a0 = FloatVector.fromArray(S, m, mo + t * stride + d).fma(FloatVector.broadcast(S, w[t]), a0);
            }
            a0.mul(scale).intoArray(out, oo + d);
        }
        for (; d < dims; d++) {
            float acc = 0f;
            for (int t = 0; t < n; t++) {
                acc += w[t] * m[mo + t * stride + d];
            }
            out[oo + d] = acc * scale;
        }
    }

    /** {@code y[yo+i] += alpha · x[xo+i]} for i in [0, n). */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (n >= L) {
            FloatVector va = FloatVector.broadcast(S, alpha);
            for (; i <= n - L; i += L) {
                FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    /**
     * {@code dst[i] = exp(src[i] · scale − shift)} for i in [0, n) ({@code dst} may be {@code src});
     * returns Σ of the results, summed in fp32 lanes over short blocks and in fp64 across blocks.
     */
    static double exp(float[] src, float[] dst, int n, float scale, float shift) {
        double total = 0;
        int i = 0;
        FloatVector vs = FloatVector.broadcast(S, scale);
        FloatVector vh = FloatVector.broadcast(S, shift);
        while (i <= n - L) {
            int end = Math.min(n - L, i + BLOCK - L);
            FloatVector acc = FloatVector.zero(S);
            for (; i <= end; i += L) {
                FloatVector e = expLanes(FloatVector.fromArray(S, src, i).fma(vs, vh.neg()));
                e.intoArray(dst, i);
                acc = acc.add(e);
            }
            total += sumLanes(acc);
        }
        for (; i < n; i++) {
            float e = exp(Math.fma(src[i], scale, -shift));
            dst[i] = e;
            total += e;
        }
        return total;
    }

    /**
     * {@code sig[i] = σ((x[xo+i] + b) · invC)} for i in [0, n); returns the maximum of {@code sig}.
     */
    static float sigmoidShifted(float[] x, int xo, float b, float invC, float[] sig, int n) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector vb = FloatVector.broadcast(S, b);
            FloatVector vc = FloatVector.broadcast(S, -invC);
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i <= n - L; i += L) {
                // σ(u) = 1 / (1 + exp(−u)); exp overflows to +∞ for very negative u, giving 0
                FloatVector e = expLanes(FloatVector.fromArray(S, x, xo + i).add(vb).mul(vc));
                FloatVector s = one.div(one.add(e));
                s.intoArray(sig, i);
                vmax = vmax.max(s);
            }
            max = vmax.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            float s = 1f / (1f + exp((x[xo + i] + b) * -invC));
            sig[i] = s;
            max = Math.max(max, s);
        }
        return max;
    }

    /**
     * Σ of the lanes of {@code v} in lane order: one fixed order in every JIT tier, unlike
     * {@code reduceLanes(ADD)}.
     */
    static float sumLanes(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    // exp(x) = 2^n · e^r with n = round(x / ln 2), r = x − n·ln 2 (two-part ln 2), e^r by the Cephes
    // expf polynomial (|r| <= ln2/2, about 1 ulp); inputs clamped so that 2^n is a normal float
    private static final float EXP_HI = 88.3762626647949f;
    private static final float EXP_LO = -87.3365447505531f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 · 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    private static final float[] EXP_POLY = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f,
        1.6666665459e-1f, 5.0000001201e-1f};

    /** e^x on every lane from exactly rounded operations (the same bits in every JIT tier as {@link #exp}). */
    static FloatVector expLanes(FloatVector x) {
        x = x.max(EXP_LO).min(EXP_HI);
        // t = 1.5·2^23 + n exactly, so n also sits in t's low mantissa bits (no float-to-int conversion,
        // which C2 does not intrinsify here)
        FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUNDER));
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, EXP_POLY[0]);
        for (int k = 1; k < EXP_POLY.length; k++) {
            p = p.fma(r, FloatVector.broadcast(S, EXP_POLY[k]));
        }
        FloatVector y = p.mul(r).fma(r, r).add(1f);
        FloatVector scale = ((IntVector) t.reinterpretAsInts()).sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return y.mul(scale);
    }

    /** The scalar twin of {@link #expLanes}, operation for operation. */
    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float n = Math.fma(x, LOG2E, ROUNDER) - ROUNDER;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = EXP_POLY[0];
        for (int k = 1; k < EXP_POLY.length; k++) {
            p = Math.fma(p, r, EXP_POLY[k]);
        }
        float y = Math.fma(p * r, r, r) + 1f;
        return y * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /**
     * The softcapped-loss gradient sweep: {@code out[oo+i] = pScale · e[i] · a·s(1 − s) · invC} with
     * {@code s = sig[i]}.
     */
    static void softcapGradient(float[] sig, float[] e, float pScale, float a, float invC, float[] out, int oo, int n) {
        int i = 0;
        float k = pScale * a * invC;
        if (n >= L) {
            FloatVector vk = FloatVector.broadcast(S, k);
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (; i <= n - L; i += L) {
                FloatVector s = FloatVector.fromArray(S, sig, i);
                FloatVector.fromArray(S, e, i).mul(vk).mul(s).mul(one.sub(s)).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            float s = sig[i];
            out[oo + i] = k * e[i] * s * (1f - s);
        }
    }
}
