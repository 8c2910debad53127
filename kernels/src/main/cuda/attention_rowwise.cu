// A plain, exact attention for the CUDA backend while the tiled tensor-core kernels (branch attn,
// CudaAttention) are not in: document-masked, causal, sliding window (key j visible to query s
// iff same document, j ≤ s, s − j ≤ window), online softmax, no S×S matrix. Correctness first:
// fp32 arithmetic on CUDA cores.
//
// Forward and the dq pass: one warp per query row (8 per block, consecutive positions of one
// head group), keys in shared-memory tiles of 32, lane i scoring key i of the tile; each lane
// owns 4 output dimensions for the P·V (or dS·K) products. The dk/dv pass is the mirror image:
// one warp per key, query tiles of 32. Rows are padded to 132 floats so that a lane's 16-byte
// reads of its own row hit distinct banks.
//
// q, k, v, out, dout, dq, dk, dv: (S, G, D) with D a multiple of 4 up to 128; lse, delta (S, G) fp32.
#include "typed_access.cuh"

#include <climits>

using namespace baton;

namespace {

constexpr int kWarps = 8;
constexpr int kTile = 32;
constexpr int kMaxDim = 128;
constexpr int kPad = kMaxDim + 4;

__device__ int doc_start(const int *cu, int ncu, int seq_scale, int s) {
    int lo = 0, hi = ncu - 1;
    while (lo < hi) {
        const int mid = (lo + hi + 1) >> 1;
        if (cu[mid] * seq_scale <= s) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return cu[lo] * seq_scale;
}

__device__ int doc_end(const int *cu, int ncu, int seq_scale, int s) {
    int lo = 0, hi = ncu - 1;
    while (lo < hi) {
        const int mid = (lo + hi) >> 1;
        if (cu[mid] * seq_scale > s) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return cu[lo] * seq_scale;
}

// dst[r][0, dim) = row (first + r, g) of src as fp32, zero past the sequence; whole block.
__device__ void load_rows(float (*dst)[kPad], const void *src, bool bf, int first, int count, int seq, int groups,
                          int g, int dim) {
    for (int i = threadIdx.x; i < count * dim; i += blockDim.x) {
        const int r = i / dim, d = i - r * dim;
        const int pos = first + r;
        dst[r][d] = pos < seq ? load1(src, bf, ((long long) pos * groups + g) * dim + d) : 0.f;
    }
}

__device__ __forceinline__ float dot_row(const float *a, const float *b, int dim) {
    float acc = 0.f;
    for (int d = 0; d < dim; d += 4) {
        const float4 x = *reinterpret_cast<const float4 *>(a + d);
        const float4 y = *reinterpret_cast<const float4 *>(b + d);
        acc = fmaf(x.x, y.x, acc);
        acc = fmaf(x.y, y.y, acc);
        acc = fmaf(x.z, y.z, acc);
        acc = fmaf(x.w, y.w, acc);
    }
    return acc;
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    return v;
}

// acc[0..4) += w · row[d0, d0 + 4)
__device__ __forceinline__ void axpy4(float (&acc)[4], float w, const float *row, int d0) {
    const float4 x = *reinterpret_cast<const float4 *>(row + d0);
    acc[0] = fmaf(w, x.x, acc[0]);
    acc[1] = fmaf(w, x.y, acc[1]);
    acc[2] = fmaf(w, x.z, acc[2]);
    acc[3] = fmaf(w, x.w, acc[3]);
}

__device__ __forceinline__ void store4(void *dst, bool bf, long long at, const float (&v)[4], float scale) {
#pragma unroll
    for (int i = 0; i < 4; i++) {
        store1(dst, bf, at + i, v[i] * scale);
    }
}

} // namespace

// out = softmax(scale · q kᵀ) v over the visible keys, lse = its log-sum-exp.
// types: bit 0 q, 1 k, 2 v, 3 out.
extern "C" __global__ void __launch_bounds__(kWarps * 32) baton_rattn_fwd(
    const void *q, const void *k, const void *v, const int *cu, int ncu, int seq_scale, int seq, int groups, int dim,
    int window, float scale, void *out, float *lse, unsigned types) {
    __shared__ __align__(16) float ks[kTile][kPad];
    __shared__ __align__(16) float vs[kTile][kPad];
    __shared__ __align__(16) float qs[kWarps][kPad];
    __shared__ int lows[kWarps];
    const bool bq = type_bit(types, 0), bk = type_bit(types, 1), bv = type_bit(types, 2), bo = type_bit(types, 3);
    const int g = blockIdx.y;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int s0 = blockIdx.x * kWarps;
    const int s = s0 + warp;
    const bool valid = s < seq;
    const int first = valid ? max(doc_start(cu, ncu, seq_scale, s), s - window) : INT_MAX;
    if (lane == 0) {
        lows[warp] = first;
    }
    load_rows(qs, q, bq, s0, kWarps, seq, groups, g, dim);
    __syncthreads();
    int jlo = INT_MAX;
    for (int w = 0; w < kWarps; w++) {
        jlo = min(jlo, lows[w]);
    }
    const int jhi = min(s0 + kWarps, seq) - 1;
    const int d0 = lane * 4;
    float m = -INFINITY, l = 0.f;
    float o[4] = {0.f, 0.f, 0.f, 0.f};
    for (int j0 = jlo; j0 <= jhi; j0 += kTile) {
        __syncthreads();
        load_rows(ks, k, bk, j0, kTile, seq, groups, g, dim);
        load_rows(vs, v, bv, j0, kTile, seq, groups, g, dim);
        __syncthreads();
        if (!valid) {
            continue;
        }
        const int j = j0 + lane;
        const bool vis = j >= first && j <= s;
        const float sc = vis ? scale * dot_row(qs[warp], ks[lane], dim) : -INFINITY;
        const float mt = warp_max(sc);
        if (mt == -INFINITY) {
            continue;
        }
        const float mn = fmaxf(m, mt);
        const float corr = expf(m - mn);
        const float p = vis ? expf(sc - mn) : 0.f;
        l = l * corr + warp_sum(p);
#pragma unroll
        for (int i = 0; i < 4; i++) {
            o[i] *= corr;
        }
        for (int jj = 0; jj < kTile; jj++) {
            const float pj = __shfl_sync(0xffffffffu, p, jj);
            if (d0 < dim) {
                axpy4(o, pj, vs[jj], d0);
            }
        }
        m = mn;
    }
    if (valid) {
        const long long row = (long long) s * groups + g;
        if (d0 < dim) {
            store4(out, bo, row * dim + d0, o, 1.f / l);
        }
        if (lane == 0) {
            lse[row] = m + logf(l);
        }
    }
}

// delta = rowsum(dout ⊙ out); dq = scale Σ_j p (dout·v_j − delta) k_j with p = exp(scale q·k_j − lse).
// types: bit 0 q, 1 k, 2 v, 3 out, 4 dout, 5 dq.
extern "C" __global__ void __launch_bounds__(kWarps * 32) baton_rattn_bwd_q(
    const void *q, const void *k, const void *v, const void *out, const void *dout, const float *lse, const int *cu,
    int ncu, int seq_scale, int seq, int groups, int dim, int window, float scale, void *dq, float *delta,
    unsigned types) {
    __shared__ __align__(16) float ks[kTile][kPad];
    __shared__ __align__(16) float vs[kTile][kPad];
    __shared__ __align__(16) float qs[kWarps][kPad];
    __shared__ __align__(16) float gs[kWarps][kPad];
    __shared__ int lows[kWarps];
    const bool bq = type_bit(types, 0), bk = type_bit(types, 1), bv = type_bit(types, 2), bo = type_bit(types, 3);
    const bool bg = type_bit(types, 4), bdq = type_bit(types, 5);
    const int g = blockIdx.y;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int s0 = blockIdx.x * kWarps;
    const int s = s0 + warp;
    const bool valid = s < seq;
    const long long row = (long long) s * groups + g;
    const int first = valid ? max(doc_start(cu, ncu, seq_scale, s), s - window) : INT_MAX;
    if (lane == 0) {
        lows[warp] = first;
    }
    load_rows(qs, q, bq, s0, kWarps, seq, groups, g, dim);
    load_rows(gs, dout, bg, s0, kWarps, seq, groups, g, dim);
    __syncthreads();
    int jlo = INT_MAX;
    for (int w = 0; w < kWarps; w++) {
        jlo = min(jlo, lows[w]);
    }
    const int jhi = min(s0 + kWarps, seq) - 1;
    float dl = 0.f;
    float ls = 0.f;
    if (valid) {
        for (int d = lane; d < dim; d += 32) {
            dl = fmaf(gs[warp][d], load1(out, bo, row * dim + d), dl);
        }
        dl = warp_sum(dl);
        if (lane == 0) {
            delta[row] = dl;
        }
        ls = lse[row];
    }
    const int d0 = lane * 4;
    float acc[4] = {0.f, 0.f, 0.f, 0.f};
    for (int j0 = jlo; j0 <= jhi; j0 += kTile) {
        __syncthreads();
        load_rows(ks, k, bk, j0, kTile, seq, groups, g, dim);
        load_rows(vs, v, bv, j0, kTile, seq, groups, g, dim);
        __syncthreads();
        if (!valid) {
            continue;
        }
        const int j = j0 + lane;
        const bool vis = j >= first && j <= s;
        float ds = 0.f;
        if (vis) {
            const float p = expf(scale * dot_row(qs[warp], ks[lane], dim) - ls);
            ds = p * (dot_row(gs[warp], vs[lane], dim) - dl);
        }
        for (int jj = 0; jj < kTile; jj++) {
            const float dj = __shfl_sync(0xffffffffu, ds, jj);
            if (d0 < dim) {
                axpy4(acc, dj, ks[jj], d0);
            }
        }
    }
    if (valid && d0 < dim) {
        store4(dq, bdq, row * dim + d0, acc, scale);
    }
}

// dv_j = Σ_s p dout_s; dk_j = scale Σ_s p (dout_s·v_j − delta_s) q_s over the queries s that see key j.
// types: bit 0 q, 1 k, 2 v, 3 dout, 4 dk, 5 dv.
extern "C" __global__ void __launch_bounds__(kWarps * 32) baton_rattn_bwd_kv(
    const void *q, const void *k, const void *v, const void *dout, const float *lse, const float *delta,
    const int *cu, int ncu, int seq_scale, int seq, int groups, int dim, int window, float scale, void *dk, void *dv,
    unsigned types) {
    __shared__ __align__(16) float qs[kTile][kPad];
    __shared__ __align__(16) float gs[kTile][kPad];
    __shared__ __align__(16) float kk[kWarps][kPad];
    __shared__ __align__(16) float vv[kWarps][kPad];
    __shared__ float lses[kTile];
    __shared__ float deltas[kTile];
    __shared__ int highs[kWarps];
    const bool bq = type_bit(types, 0), bk = type_bit(types, 1), bv = type_bit(types, 2), bg = type_bit(types, 3);
    const bool bdk = type_bit(types, 4), bdv = type_bit(types, 5);
    const int g = blockIdx.y;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int j0 = blockIdx.x * kWarps;
    const int j = j0 + warp;
    const bool valid = j < seq;
    const int last = valid ? min(doc_end(cu, ncu, seq_scale, j) - 1, j + window) : -1;
    if (lane == 0) {
        highs[warp] = last;
    }
    load_rows(kk, k, bk, j0, kWarps, seq, groups, g, dim);
    load_rows(vv, v, bv, j0, kWarps, seq, groups, g, dim);
    __syncthreads();
    int shi = -1;
    for (int w = 0; w < kWarps; w++) {
        shi = max(shi, highs[w]);
    }
    const int d0 = lane * 4;
    float dka[4] = {0.f, 0.f, 0.f, 0.f};
    float dva[4] = {0.f, 0.f, 0.f, 0.f};
    for (int s0 = j0; s0 <= shi; s0 += kTile) {
        __syncthreads();
        load_rows(qs, q, bq, s0, kTile, seq, groups, g, dim);
        load_rows(gs, dout, bg, s0, kTile, seq, groups, g, dim);
        if (threadIdx.x < kTile) {
            const int pos = s0 + threadIdx.x;
            const long long at = (long long) pos * groups + g;
            lses[threadIdx.x] = pos < seq ? lse[at] : 0.f;
            deltas[threadIdx.x] = pos < seq ? delta[at] : 0.f;
        }
        __syncthreads();
        if (!valid) {
            continue;
        }
        const int s = s0 + lane;
        const bool vis = s >= j && s <= last;
        float p = 0.f, ds = 0.f;
        if (vis) {
            p = expf(scale * dot_row(qs[lane], kk[warp], dim) - lses[lane]);
            ds = p * (dot_row(gs[lane], vv[warp], dim) - deltas[lane]);
        }
        for (int ii = 0; ii < kTile; ii++) {
            const float pi = __shfl_sync(0xffffffffu, p, ii);
            const float di = __shfl_sync(0xffffffffu, ds, ii);
            if (d0 < dim) {
                axpy4(dva, pi, gs[ii], d0);
                axpy4(dka, di, qs[ii], d0);
            }
        }
    }
    if (valid && d0 < dim) {
        const long long at = ((long long) j * groups + g) * dim + d0;
        store4(dk, bdk, at, dka, scale);
        store4(dv, bdv, at, dva, 1.f);
    }
}
