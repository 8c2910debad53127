// Plain attention kernels for any head dimension D <= 128 (multiple of 8): one thread per
// (position, head) row, fp32 arithmetic, no tensor cores, no shared memory. They are the path
// for head sizes the tiled kernels are not built for (tests at D = 16 and 32), and a second,
// independent implementation to check the tiled ones against on the GPU.
#pragma once
#include "attention_common.cuh"

namespace baton_attn {

// out and lse of one (query, head) row, online softmax over the visible keys.
template <int kD>
__device__ __forceinline__ void attention_forward_simple(const bf16 *q, const bf16 *k, const bf16 *v, const int *cu,
                                                         int ncu, int seq_scale, int seq, int groups, int window,
                                                         float scale, bf16 *out, float *lse) {
    const long long row = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
    if (row >= static_cast<long long>(seq) * groups) return;
    const int s = static_cast<int>(row / groups);
    const int head = static_cast<int>(row % groups);
    const long long ld = static_cast<long long>(groups) * kD;
    const bf16 *qr = q + row * kD;
    float acc[kD];
#pragma unroll
    for (int d = 0; d < kD; ++d) acc[d] = 0.f;
    float mx = -INFINITY, l = 0.f;
    const float sl2 = scale * kLog2e;
    for (int j = first_key(cu, ncu, seq_scale, window, s); j <= s; ++j) {
        const bf16 *kr = k + j * ld + head * kD;
        const bf16 *vr = v + j * ld + head * kD;
        float dot = 0.f;
#pragma unroll
        for (int d = 0; d < kD; ++d) dot = fmaf(__bfloat162float(qr[d]), __bfloat162float(kr[d]), dot);
        const float x = dot * sl2;
        const float nm = fmaxf(mx, x);
        const float a = exp2f(mx - nm);
        const float p = exp2f(x - nm);
        l = l * a + p;
#pragma unroll
        for (int d = 0; d < kD; ++d) acc[d] = fmaf(p, __bfloat162float(vr[d]), acc[d] * a);
        mx = nm;
    }
    const float inv = 1.f / l;
#pragma unroll
    for (int d = 0; d < kD; ++d) out[row * kD + d] = __float2bfloat16_rn(acc[d] * inv);
    lse[row] = (mx + log2f(l)) * kLn2;
}

// delta and dq of one (query, head) row: delta = dout.out, dq = scale sum_j p (dout.v_j - delta) k_j.
template <int kD>
__device__ __forceinline__ void attention_backward_simple_query(const bf16 *q, const bf16 *k, const bf16 *v,
                                                                const bf16 *out, const float *lse, const bf16 *dout,
                                                                const int *cu, int ncu, int seq_scale, int seq,
                                                                int groups, int window, float scale, bf16 *dq,
                                                                float *delta) {
    const long long row = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
    if (row >= static_cast<long long>(seq) * groups) return;
    const int s = static_cast<int>(row / groups);
    const int head = static_cast<int>(row % groups);
    const long long ld = static_cast<long long>(groups) * kD;
    const bf16 *qr = q + row * kD;
    const bf16 *gr = dout + row * kD;
    float dl = 0.f;
#pragma unroll
    for (int d = 0; d < kD; ++d) dl = fmaf(__bfloat162float(gr[d]), __bfloat162float(out[row * kD + d]), dl);
    delta[row] = dl;
    const float lr = lse[row];
    float acc[kD];
#pragma unroll
    for (int d = 0; d < kD; ++d) acc[d] = 0.f;
    for (int j = first_key(cu, ncu, seq_scale, window, s); j <= s; ++j) {
        const bf16 *kr = k + j * ld + head * kD;
        const bf16 *vr = v + j * ld + head * kD;
        float dot = 0.f, dpv = 0.f;
#pragma unroll
        for (int d = 0; d < kD; ++d) {
            dot = fmaf(__bfloat162float(qr[d]), __bfloat162float(kr[d]), dot);
            dpv = fmaf(__bfloat162float(gr[d]), __bfloat162float(vr[d]), dpv);
        }
        const float ds = expf(dot * scale - lr) * (dpv - dl);
#pragma unroll
        for (int d = 0; d < kD; ++d) acc[d] = fmaf(ds, __bfloat162float(kr[d]), acc[d]);
    }
#pragma unroll
    for (int d = 0; d < kD; ++d) dq[row * kD + d] = __float2bfloat16_rn(acc[d] * scale);
}

// dk and dv of one (key, head) row, from the delta the query kernel wrote.
template <int kD>
__device__ __forceinline__ void attention_backward_simple_key(const bf16 *q, const bf16 *k, const bf16 *v,
                                                              const float *lse, const bf16 *dout, const float *delta,
                                                              const int *cu, int ncu, int seq_scale, int seq,
                                                              int groups, int window, float scale, bf16 *dk,
                                                              bf16 *dv) {
    const long long row = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
    if (row >= static_cast<long long>(seq) * groups) return;
    const int j = static_cast<int>(row / groups);
    const int head = static_cast<int>(row % groups);
    const long long ld = static_cast<long long>(groups) * kD;
    const bf16 *kr = k + row * kD;
    const bf16 *vr = v + row * kD;
    float ka[kD], va[kD];
#pragma unroll
    for (int d = 0; d < kD; ++d) ka[d] = va[d] = 0.f;
    const int last = last_query(cu, ncu, seq_scale, window, j);
    for (int s = j; s <= last; ++s) {
        const long long qrow = static_cast<long long>(s) * groups + head;
        const bf16 *qr = q + s * ld + head * kD;
        const bf16 *gr = dout + s * ld + head * kD;
        float dot = 0.f, dpv = 0.f;
#pragma unroll
        for (int d = 0; d < kD; ++d) {
            dot = fmaf(__bfloat162float(qr[d]), __bfloat162float(kr[d]), dot);
            dpv = fmaf(__bfloat162float(gr[d]), __bfloat162float(vr[d]), dpv);
        }
        const float p = expf(dot * scale - lse[qrow]);
        const float ds = p * (dpv - delta[qrow]);
#pragma unroll
        for (int d = 0; d < kD; ++d) {
            va[d] = fmaf(p, __bfloat162float(gr[d]), va[d]);
            ka[d] = fmaf(ds, __bfloat162float(qr[d]), ka[d]);
        }
    }
#pragma unroll
    for (int d = 0; d < kD; ++d) {
        dk[row * kD + d] = __float2bfloat16_rn(ka[d] * scale);
        dv[row * kD + d] = __float2bfloat16_rn(va[d]);
    }
}

}  // namespace baton_attn
