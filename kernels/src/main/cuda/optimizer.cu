// The element-wise and reduction steps of the record's Adam and NorMuon (OptimizerKernels), on
// fp32 state and fp32 or bf16 parameters, gradients and updates.
//
// Formulas follow the CPU kernels operation by operation with explicitly rounded fp32 operations
// (__fmul_rn etc., no fused multiply-add contraction), so fp32 results agree with the CPU to the
// last bit or so; sums are fp64 in a fixed order (deterministic).
//
// NorMuon's master weights are the record's mantissa trick: a bf16 parameter p and a uint16
// mantissa buffer together hold the fp32 master (bits(p) << 16 | mantissa); the update runs on the
// master and the parameter becomes its upper half (truncation, as the record).
#include "typed_access.cuh"

using namespace baton;

namespace {

__device__ __forceinline__ long long thread_index() { return blockIdx.x * (long long) blockDim.x + threadIdx.x; }

__device__ __forceinline__ long long thread_count() { return (long long) gridDim.x * blockDim.x; }

// PyTorch's lerp: self + w·(end − self) for |w| < 0.5, else end − (end − self)·(1 − w).
__device__ __forceinline__ float lerp_torch(float self, float end, float w) {
    const float diff = __fsub_rn(end, self);
    return fabsf(w) < 0.5f ? __fadd_rn(self, __fmul_rn(w, diff)) : __fsub_rn(end, __fmul_rn(diff, __fsub_rn(1.f, w)));
}

} // namespace

// Adam with cautious weight decay; m, v fp32. types: bit 0 p, 1 g.
extern "C" __global__ void baton_adam(void *p, const void *g, float *m, float *v, float beta1, float omb1, float beta2,
                                      float omb2, float eps, float step, float eff_wd, long long n, unsigned types) {
    const bool bp = type_bit(types, 0), bg = type_bit(types, 1);
    for (long long i = thread_index(); i < n; i += thread_count()) {
        const float gi = load1(g, bg, i);
        const float mi = __fadd_rn(__fmul_rn(m[i], beta1), __fmul_rn(omb1, gi));
        const float vi = __fadd_rn(__fmul_rn(v[i], beta2), __fmul_rn(__fmul_rn(omb2, gi), gi));
        m[i] = mi;
        v[i] = vi;
        const float pi = load1(p, bp, i);
        float u = __fmul_rn(__fdiv_rn(mi, __fadd_rn(__fsqrt_rn(vi), eps)), step);
        if (__fmul_rn(u, pi) > 0.f) {
            u = __fadd_rn(u, __fmul_rn(eff_wd, pi));
        }
        store1(p, bp, i, __fsub_rn(pi, u));
    }
}

// momentum ← lerp(momentum, g, 1 − μ); out ← lerp(g, momentum, μ). types: bit 0 g, 1 out.
extern "C" __global__ void baton_nesterov(float *momentum, const void *g, void *out, float omm, float mu, long long n,
                                          unsigned types) {
    const bool bg = type_bit(types, 0), bo = type_bit(types, 1);
    for (long long i = thread_index(); i < n; i += thread_count()) {
        const float gi = load1(g, bg, i);
        const float mi = lerp_torch(momentum[i], gi, omm);
        momentum[i] = mi;
        store1(out, bo, i, lerp_torch(gi, mi, mu));
    }
}

// Σ x² over a slice of each matrix: grid (blocks per matrix, matrices); partials[mat·gridDim.x + b].
// types: bit 0 x.
extern "C" __global__ void __launch_bounds__(256) baton_frob_partial(const void *x, long long per, double *partials,
                                                                     unsigned types) {
    __shared__ double scratch[8];
    const bool bx = type_bit(types, 0);
    const long long base = blockIdx.y * per;
    double acc = 0.0;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < per;
         i += (long long) gridDim.x * blockDim.x) {
        const double e = load1(x, bx, base + i);
        acc = fma(e, e, acc);
    }
    const double s = block_sum_double(acc, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.y * gridDim.x + blockIdx.x] = s;
    }
}

// x[mat] ← x[mat] / (sqrt(Σ partials of mat) · safety + eps); `parts` partials per matrix.
// grid (any, matrices). types: bit 0 x.
extern "C" __global__ void baton_frob_scale(void *x, long long per, const double *partials, int parts, float safety,
                                            float eps, unsigned types) {
    const bool bx = type_bit(types, 0);
    double s = 0.0;
#pragma unroll 8
    for (int b = 0; b < parts; b++) {
        s += partials[blockIdx.y * parts + b];
    }
    const float den = __fadd_rn(__fmul_rn((float) sqrt(s), safety), eps);
    const long long base = blockIdx.y * per;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < per;
         i += (long long) gridDim.x * blockDim.x) {
        store1(x, bx, base + i, __fdiv_rn(load1(x, bx, base + i), den));
    }
}

// mean[row] = Σ_c v[row, c]² / cols, one group of `lanes` threads per row. types: bit 0 v.
extern "C" __global__ void baton_var_rowmean(const void *v, long long rows, int cols, int lanes, float *mean,
                                             unsigned types) {
    const long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long row = t / lanes;
    const int lane = (int) (t % lanes);
    const bool bv = type_bit(types, 0);
    double acc = 0.0;
    if (row < rows) {
        for (int c = lane; c < cols; c += lanes) {
            const double e = load1(v, bv, row * cols + c);
            acc = fma(e, e, acc);
        }
    }
    acc = group_sum(acc, lanes);
    if (row < rows && lane == 0) {
        mean[row] = (float) (acc / cols);
    }
}

// mean[mat·cols + c] = Σ_r v[mat, r, c]² / rows, one thread per column. types: bit 0 v.
extern "C" __global__ void baton_var_colmean(const void *v, int mats, int rows, int cols, float *mean, unsigned types) {
    const long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    if (t >= (long long) mats * cols) {
        return;
    }
    const bool bv = type_bit(types, 0);
    const long long mat = t / cols;
    const int c = (int) (t % cols);
    double acc = 0.0;
    for (int r = 0; r < rows; r++) {
        const double e = load1(v, bv, (mat * rows + r) * cols + c);
        acc = fma(e, e, acc);
    }
    mean[t] = (float) (acc / rows);
}

// One block per matrix: second moment S ← lerp(S, mean, 1 − β2), step = 1/sqrt(max(S, 1e-10)), then
// scale = step · ‖V‖_F / max(‖V ⊙ step‖_F, 1e-10) from the per-row (or column) mean squares.
extern "C" __global__ void __launch_bounds__(256) baton_var_scale(const float *mean, float *second, float *scale,
                                                                  int stats, int reduced, float omb2) {
    __shared__ double scratch[8];
    __shared__ float ratio;
    const long long base = (long long) blockIdx.x * stats;
    double sum_mean = 0.0, sum_scaled = 0.0;
    for (int k = threadIdx.x; k < stats; k += blockDim.x) {
        const float mk = mean[base + k];
        const float sm = lerp_torch(second[base + k], mk, omb2);
        second[base + k] = sm;
        const float step = (float) (1.0 / sqrt((double) fmaxf(sm, 1e-10f)));
        scale[base + k] = step;
        sum_mean += mk;
        sum_scaled += (double) __fmul_rn(mk, (float) reduced) * (double) __fmul_rn(step, step);
    }
    const double total_mean = block_sum_double(sum_mean, scratch);
    const double total_scaled = block_sum_double(sum_scaled, scratch);
    if (threadIdx.x == 0) {
        const float norm = (float) sqrt((double) __fmul_rn((float) total_mean, (float) reduced));
        const float norm_new = (float) sqrt(total_scaled);
        ratio = __fdiv_rn(norm, fmaxf(norm_new, 1e-10f));
    }
    __syncthreads();
    for (int k = threadIdx.x; k < stats; k += blockDim.x) {
        scale[base + k] = __fmul_rn(scale[base + k], ratio);
    }
}

// v[mat, r, c] *= scale[mat, r] (per_row) or scale[mat, c]. types: bit 0 v.
extern "C" __global__ void baton_var_apply(void *v, const float *scale, long long n, int rows, int cols, int per_row,
                                           unsigned types) {
    const bool bv = type_bit(types, 0);
    for (long long i = thread_index(); i < n; i += thread_count()) {
        const long long row = i / cols; // over all matrices
        const long long s = per_row ? row : (row / rows) * cols + (i % cols);
        store1(v, bv, i, __fmul_rn(load1(v, bv, i), scale[s]));
    }
}

// p ← p − p·[v·p ≥ 0]·wd·lr[mat] − v·lr[mat] on `per` elements per matrix. With a mantissa buffer
// (bf16 p only) the arithmetic runs on the fp32 master and p keeps its upper 16 bits.
// types: bit 0 p, 1 v.
extern "C" __global__ void baton_cautious(void *p, const void *v, const float *lr, float wd, long long per, long long n,
                                          unsigned short *mantissa, unsigned types) {
    const bool bp = type_bit(types, 0), bv = type_bit(types, 1);
    for (long long i = thread_index(); i < n; i += thread_count()) {
        const float l = lr[i / per];
        float pi;
        if (mantissa != nullptr) {
            const unsigned hi = __bfloat16_as_ushort(static_cast<const bf16 *>(p)[i]);
            pi = __uint_as_float((hi << 16) | mantissa[i]);
        } else {
            pi = load1(p, bp, i);
        }
        const float vi = load1(v, bv, i);
        const float mask = __fmul_rn(vi, pi) >= 0.f ? 1.f : 0.f;
        const float r = __fsub_rn(__fsub_rn(pi, __fmul_rn(__fmul_rn(__fmul_rn(pi, mask), wd), l)), __fmul_rn(vi, l));
        if (mantissa != nullptr) {
            const unsigned bits = __float_as_uint(r);
            static_cast<bf16 *>(p)[i] = __ushort_as_bfloat16((unsigned short) (bits >> 16));
            mantissa[i] = (unsigned short) (bits & 0xffffu);
        } else {
            store1(p, bp, i, r);
        }
    }
}

// dst (R, C) ← or += srcᵀ: dst[i, j] (=|+=) src[j·src_ld + col0 + i]. 32×32 tiles through shared
// memory, block (32, 8), grid (ceil(C/32), ceil(R/32)). types: bit 0 dst, 1 src.
extern "C" __global__ void baton_transpose(void *dst, const void *src, int R, int C, long long src_ld, int col0,
                                           int accumulate, unsigned types) {
    __shared__ float tile[32][33];
    const bool bd = type_bit(types, 0), bs = type_bit(types, 1);
    const int i0 = blockIdx.y * 32, j0 = blockIdx.x * 32;
    for (int k = threadIdx.y; k < 32; k += 8) {
        const int j = j0 + k, i = i0 + threadIdx.x;
        tile[k][threadIdx.x] = (j < C && i < R) ? load1(src, bs, (long long) j * src_ld + col0 + i) : 0.f;
    }
    __syncthreads();
    for (int k = threadIdx.y; k < 32; k += 8) {
        const int i = i0 + k, j = j0 + threadIdx.x;
        if (i < R && j < C) {
            const long long at = (long long) i * C + j;
            const float val = tile[threadIdx.x][k];
            store1(dst, bd, at, accumulate ? __fadd_rn(load1(dst, bd, at), val) : val);
        }
    }
}
