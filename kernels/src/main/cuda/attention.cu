// Causal sliding-window, document-masked attention (the record's flash_attn_varlen_func with
// window (window, 0)): forward, backward and their helper passes, for q, k, v of shape (S, G, D)
// in bf16 with out in bf16 and lse in fp32 (natural log). The entry points are extern "C" so
// that dev.baton.kernels.ops.CudaAttention finds them by name; each tiled variant is one name
// (head dimension, warps per block) so that the benchmark can time them side by side.
//
//   baton_attn_fwd_d{D}_w{W}_m{M}  tiled forward, grid (ceil(S / 16MW), G), 32W threads
//   baton_attn_bwd_pre            delta = rowsum(dout * out), and zeroes the fp32 dq accumulator
//   baton_attn_bwd_d{D}_w{W}      tiled backward: dk, dv, and dq into the accumulator
//   baton_attn_dq_convert         dq = bf16(scale * accumulator)
//   baton_attn_simple_*_d{D}      one thread per row, any D of 16/32/64/128
#include "attention_backward.cuh"
#include "attention_forward.cuh"
#include "attention_simple.cuh"

using namespace baton_attn;

#define BATON_ATTN_FWD(D, W, MT)                                                                                  \
    extern "C" __global__ void __launch_bounds__(32 * W) baton_attn_fwd_d##D##_w##W##_m##MT(                      \
        const bf16 *q, const bf16 *k, const bf16 *v, const int *cu, int ncu, int seq_scale, int seq, int groups, \
        int window, float scale, bf16 *out, float *lse) {                                                         \
        attention_forward_tiled<D, W, MT>(q, k, v, cu, ncu, seq_scale, seq, groups, window, scale, out, lse);    \
    }

#define BATON_ATTN_BWD(D, W)                                                                                       \
    extern "C" __global__ void __launch_bounds__(32 * W) baton_attn_bwd_d##D##_w##W(                               \
        const bf16 *q, const bf16 *k, const bf16 *v, const bf16 *dout, const float *lse, const float *delta,     \
        const int *cu, int ncu, int seq_scale, int seq, int groups, int window, float scale, float *dq_acc,      \
        bf16 *dk, bf16 *dv) {                                                                                      \
        attention_backward_tiled<D, W>(q, k, v, dout, lse, delta, cu, ncu, seq_scale, seq, groups, window, scale, \
                                       dq_acc, dk, dv);                                                            \
    }

BATON_ATTN_FWD(128, 4, 1)
BATON_ATTN_FWD(128, 8, 1)
BATON_ATTN_FWD(128, 4, 2)
BATON_ATTN_FWD(64, 4, 1)
BATON_ATTN_FWD(64, 8, 1)
BATON_ATTN_FWD(64, 4, 2)
BATON_ATTN_BWD(128, 4)
BATON_ATTN_BWD(128, 8)
BATON_ATTN_BWD(64, 4)
BATON_ATTN_BWD(64, 8)

// delta[r] = sum_d dout[r, d] * out[r, d] over the rows r of the (S*G, D) views; dq_acc rows
// zeroed on the way (when not null). D/8 lanes per row, one 16-byte chunk each.
extern "C" __global__ void baton_attn_bwd_pre(const bf16 *out, const bf16 *dout, long long rows, int dim,
                                              float *delta, float *dq_acc) {
    const int chunks = dim / 8;
    const int rows_per_warp = 32 / chunks;
    const int lane = threadIdx.x & 31;
    const long long warp = (blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x) >> 5;
    const int sub = lane / chunks, c = lane % chunks;
    const long long r = warp * rows_per_warp + sub;
    const bool valid = sub < rows_per_warp && r < rows;
    float acc = 0.f;
    if (valid) {
        const long long off = r * dim + c * 8;
        const uint4 o = *reinterpret_cast<const uint4 *>(out + off);
        const uint4 g = *reinterpret_cast<const uint4 *>(dout + off);
        const __nv_bfloat162 *o2 = reinterpret_cast<const __nv_bfloat162 *>(&o);
        const __nv_bfloat162 *g2 = reinterpret_cast<const __nv_bfloat162 *>(&g);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const float2 of = __bfloat1622float2(o2[i]);
            const float2 gf = __bfloat1622float2(g2[i]);
            acc = fmaf(of.x, gf.x, acc);
            acc = fmaf(of.y, gf.y, acc);
        }
        if (dq_acc != nullptr) {
            float4 *z = reinterpret_cast<float4 *>(dq_acc + off);
            z[0] = make_float4(0.f, 0.f, 0.f, 0.f);
            z[1] = make_float4(0.f, 0.f, 0.f, 0.f);
        }
    }
    // sum over the `chunks` lanes of one row (a power of two that divides 32)
    for (int w = chunks >> 1; w > 0; w >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, w);
    if (valid && c == 0) delta[r] = acc;
}

// dq[i] = bf16(scale * acc[i]), 8 elements per thread (n is a multiple of 8).
extern "C" __global__ void baton_attn_dq_convert(const float *acc, long long n, float scale, bf16 *dq) {
    for (long long i = (blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x) * 8; i < n;
         i += static_cast<long long>(gridDim.x) * blockDim.x * 8) {
        const float4 a = *reinterpret_cast<const float4 *>(acc + i);
        const float4 b = *reinterpret_cast<const float4 *>(acc + i + 4);
        uint4 r;
        r.x = pack_bf16(a.x * scale, a.y * scale);
        r.y = pack_bf16(a.z * scale, a.w * scale);
        r.z = pack_bf16(b.x * scale, b.y * scale);
        r.w = pack_bf16(b.z * scale, b.w * scale);
        *reinterpret_cast<uint4 *>(dq + i) = r;
    }
}

#define BATON_ATTN_SIMPLE(D)                                                                                       \
    extern "C" __global__ void baton_attn_simple_fwd_d##D(const bf16 *q, const bf16 *k, const bf16 *v,            \
                                                          const int *cu, int ncu, int seq_scale, int seq,          \
                                                          int groups, int window, float scale, bf16 *out,          \
                                                          float *lse) {                                            \
        attention_forward_simple<D>(q, k, v, cu, ncu, seq_scale, seq, groups, window, scale, out, lse);           \
    }                                                                                                              \
    extern "C" __global__ void baton_attn_simple_bwd_q_d##D(                                                       \
        const bf16 *q, const bf16 *k, const bf16 *v, const bf16 *out, const float *lse, const bf16 *dout,         \
        const int *cu, int ncu, int seq_scale, int seq, int groups, int window, float scale, bf16 *dq,            \
        float *delta) {                                                                                            \
        attention_backward_simple_query<D>(q, k, v, out, lse, dout, cu, ncu, seq_scale, seq, groups, window,      \
                                           scale, dq, delta);                                                      \
    }                                                                                                              \
    extern "C" __global__ void baton_attn_simple_bwd_k_d##D(                                                       \
        const bf16 *q, const bf16 *k, const bf16 *v, const float *lse, const bf16 *dout, const float *delta,     \
        const int *cu, int ncu, int seq_scale, int seq, int groups, int window, float scale, bf16 *dk,            \
        bf16 *dv) {                                                                                                \
        attention_backward_simple_key<D>(q, k, v, lse, dout, delta, cu, ncu, seq_scale, seq, groups, window,      \
                                         scale, dk, dv);                                                           \
    }

BATON_ATTN_SIMPLE(16)
BATON_ATTN_SIMPLE(32)
BATON_ATTN_SIMPLE(64)
BATON_ATTN_SIMPLE(128)
