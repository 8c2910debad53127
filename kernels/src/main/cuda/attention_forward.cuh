// Tiled attention forward, FlashAttention-2 style on mma.sync tensor cores.
//
// One block owns kBM = 16*kWarps consecutive query rows of one head; each warp owns 16 rows and
// keeps their Q fragments in registers. The block walks only the key tiles its rows can see,
// [max(docStart(m0), m0 - window), last row] (a contiguous range: both bounds are monotone), so
// a sliding window costs O(window) per row however long the sequence. K and V tiles of kBN keys
// are double-buffered with cp.async; scores stay in registers in the log2 domain with an online
// softmax in fp32, and P goes to the second product as bf16 A fragments without touching shared
// memory. Tiles that lie wholly inside every row's visible range skip the per-element mask.
#pragma once
#include "attention_common.cuh"

namespace baton_attn {

// Shared layout: stage b holds K at 2*b*kTileK and V right after it. The Q tile either has its
// own space after both stages, or (kQInStage) borrows stage 1, which is free until the first
// prefetch: 16 KiB less per block, so three 4-warp blocks fit one multiprocessor.
template <int kD, int kWarps, bool kQInStage>
struct ForwardTiles {
    static constexpr int kBM = 16 * kWarps;
    static constexpr int kBN = 64;
    static constexpr int kThreads = 32 * kWarps;
    static constexpr int kChunks = kD / 8;
    static constexpr int kTileK = kBN * kD * 2;  // bytes of one K (or V) tile
    static constexpr int kTileQ = kBM * kD * 2;
    static constexpr int kQOffset = kQInStage ? 2 * kTileK : 4 * kTileK;
    static constexpr int kSmem = kQOffset + kTileQ > 4 * kTileK ? kQOffset + kTileQ : 4 * kTileK;
};

template <int kD, int kWarps, bool kQInStage>
__device__ __forceinline__ void attention_forward_tiled(const bf16 *__restrict__ q, const bf16 *__restrict__ k,
                                                        const bf16 *__restrict__ v, const int *__restrict__ cu,
                                                        int ncu, int seq_scale, int seq, int groups, int window,
                                                        float scale, bf16 *__restrict__ out,
                                                        float *__restrict__ lse) {
    using T = ForwardTiles<kD, kWarps, kQInStage>;
    constexpr int kBM = T::kBM, kBN = T::kBN, kChunks = T::kChunks;
    extern __shared__ __align__(128) unsigned char smem[];
    const uint32_t sK0 = smem_addr(smem);
    const uint32_t sV0 = sK0 + T::kTileK;
    constexpr int kStage = 2 * T::kTileK;
    const uint32_t sQ = sK0 + T::kQOffset;

    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int g = lane >> 2, t = lane & 3;
    const int head = blockIdx.y;
    const int m0 = blockIdx.x * kBM;
    const long long ld = static_cast<long long>(groups) * kD;
    const bf16 *qh = q + head * kD;
    const bf16 *kh = k + head * kD;
    const bf16 *vh = v + head * kD;

    const int last_row = min(m0 + kBM, seq) - 1;
    const int key_lo = first_key(cu, ncu, seq_scale, window, m0);
    const int lo_max = first_key(cu, ncu, seq_scale, window, last_row);
    const int blk_lo = key_lo / kBN, blk_hi = last_row / kBN;

    // this thread's two rows (fragment rows g and g+8 of its warp)
    const int r0 = m0 + warp * 16 + g, r1 = r0 + 8;
    const int lo0 = first_key(cu, ncu, seq_scale, window, r0);
    const int lo1 = first_key(cu, ncu, seq_scale, window, r1);

    load_tile<kBM, kD, T::kThreads>(sQ, qh, ld, m0, seq);
    load_tile<kBN, kD, T::kThreads>(sK0, kh, ld, blk_lo * kBN, seq);
    load_tile<kBN, kD, T::kThreads>(sV0, vh, ld, blk_lo * kBN, seq);
    cp_async_commit();
    cp_async_wait<0>();
    __syncthreads();

    uint32_t qf[kD / 16][4];
#pragma unroll
    for (int ks = 0; ks < kD / 16; ++ks) {
        ldsm_x4(sQ + swz<kChunks>(warp * 16 + (lane & 15), ks * 2 + (lane >> 4)), qf[ks][0], qf[ks][1], qf[ks][2],
                qf[ks][3]);
    }
    if (kQInStage) __syncthreads();  // every warp has its Q fragments before stage 1 is overwritten

    float o[kD / 8][4];
#pragma unroll
    for (int i = 0; i < kD / 8; ++i) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.f;
    float mx0 = -INFINITY, mx1 = -INFINITY, l0 = 0.f, l1 = 0.f;
    const float sl2 = scale * kLog2e;

    for (int blk = blk_lo; blk <= blk_hi; ++blk) {
        const int buf = (blk - blk_lo) & 1;
        const uint32_t sK = sK0 + buf * kStage, sV = sV0 + buf * kStage;
        if (blk < blk_hi) {
            load_tile<kBN, kD, T::kThreads>(sK0 + (buf ^ 1) * kStage, kh, ld, (blk + 1) * kBN, seq);
            load_tile<kBN, kD, T::kThreads>(sV0 + (buf ^ 1) * kStage, vh, ld, (blk + 1) * kBN, seq);
            cp_async_commit();
        }
        const int n0 = blk * kBN;

        float sc[kBN / 8][4];
#pragma unroll
        for (int i = 0; i < kBN / 8; ++i) sc[i][0] = sc[i][1] = sc[i][2] = sc[i][3] = 0.f;
#pragma unroll
        for (int ks = 0; ks < kD / 16; ++ks) {
#pragma unroll
            for (int np = 0; np < kBN / 16; ++np) {
                uint32_t b0, b1, b2, b3;
                ldsm_x4(sK + swz<kChunks>(np * 16 + (lane & 7) + ((lane >> 4) << 3), ks * 2 + ((lane >> 3) & 1)), b0,
                        b1, b2, b3);
                mma16816(sc[2 * np], qf[ks], b0, b1);
                mma16816(sc[2 * np + 1], qf[ks], b2, b3);
            }
        }

        const bool masked = !(n0 >= lo_max && n0 + kBN - 1 <= m0);
        float bm0 = -INFINITY, bm1 = -INFINITY;
#pragma unroll
        for (int nt = 0; nt < kBN / 8; ++nt) {
#pragma unroll
            for (int e = 0; e < 4; ++e) {
                float x = sc[nt][e] * sl2;
                if (masked) {
                    const int key = n0 + nt * 8 + 2 * t + (e & 1);
                    const int row = e < 2 ? r0 : r1;
                    const int lo = e < 2 ? lo0 : lo1;
                    if (key < lo || key > row) x = -INFINITY;
                }
                sc[nt][e] = x;
            }
            bm0 = fmaxf(bm0, fmaxf(sc[nt][0], sc[nt][1]));
            bm1 = fmaxf(bm1, fmaxf(sc[nt][2], sc[nt][3]));
        }
        bm0 = fmaxf(bm0, __shfl_xor_sync(0xffffffffu, bm0, 1));
        bm0 = fmaxf(bm0, __shfl_xor_sync(0xffffffffu, bm0, 2));
        bm1 = fmaxf(bm1, __shfl_xor_sync(0xffffffffu, bm1, 1));
        bm1 = fmaxf(bm1, __shfl_xor_sync(0xffffffffu, bm1, 2));
        const float nm0 = fmaxf(mx0, bm0), nm1 = fmaxf(mx1, bm1);
        // a row with nothing visible yet keeps max -inf: subtract 0 instead (exp2(-inf) = 0)
        const float base0 = nm0 == -INFINITY ? 0.f : nm0;
        const float base1 = nm1 == -INFINITY ? 0.f : nm1;
        const float a0 = exp2f(mx0 - base0), a1 = exp2f(mx1 - base1);
        mx0 = nm0;
        mx1 = nm1;
        float s0 = 0.f, s1 = 0.f;
#pragma unroll
        for (int nt = 0; nt < kBN / 8; ++nt) {
            sc[nt][0] = exp2f(sc[nt][0] - base0);
            sc[nt][1] = exp2f(sc[nt][1] - base0);
            sc[nt][2] = exp2f(sc[nt][2] - base1);
            sc[nt][3] = exp2f(sc[nt][3] - base1);
            s0 += sc[nt][0] + sc[nt][1];
            s1 += sc[nt][2] + sc[nt][3];
        }
        l0 = l0 * a0 + s0;
        l1 = l1 * a1 + s1;
#pragma unroll
        for (int i = 0; i < kD / 8; ++i) {
            o[i][0] *= a0;
            o[i][1] *= a0;
            o[i][2] *= a1;
            o[i][3] *= a1;
        }
#pragma unroll
        for (int kk = 0; kk < kBN / 16; ++kk) {
            uint32_t pa[4];
            pa[0] = pack_bf16(sc[2 * kk][0], sc[2 * kk][1]);
            pa[1] = pack_bf16(sc[2 * kk][2], sc[2 * kk][3]);
            pa[2] = pack_bf16(sc[2 * kk + 1][0], sc[2 * kk + 1][1]);
            pa[3] = pack_bf16(sc[2 * kk + 1][2], sc[2 * kk + 1][3]);
#pragma unroll
            for (int dp = 0; dp < kD / 16; ++dp) {
                uint32_t b0, b1, b2, b3;
                ldsm_x4_t(sV + swz<kChunks>(kk * 16 + (lane & 15), dp * 2 + (lane >> 4)), b0, b1, b2, b3);
                mma16816(o[2 * dp], pa, b0, b1);
                mma16816(o[2 * dp + 1], pa, b2, b3);
            }
        }
        if (blk < blk_hi) {
            cp_async_wait<0>();
            __syncthreads();
        }
    }

    l0 += __shfl_xor_sync(0xffffffffu, l0, 1);
    l0 += __shfl_xor_sync(0xffffffffu, l0, 2);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 1);
    l1 += __shfl_xor_sync(0xffffffffu, l1, 2);
    const float inv0 = 1.f / l0, inv1 = 1.f / l1;

    // stage this warp's 16 output rows in its own rows of the Q tile, then 16-byte stores (a
    // borrowed Q tile may still be read as stage 1 by other warps' last step: wait for them)
    if (kQInStage) __syncthreads();
    unsigned char *tile = smem + T::kQOffset;
    const int lr0 = warp * 16 + g, lr1 = lr0 + 8;
#pragma unroll
    for (int nt = 0; nt < kD / 8; ++nt) {
        *reinterpret_cast<uint32_t *>(tile + swz<kChunks>(lr0, nt) + 4 * t) = pack_bf16(o[nt][0] * inv0, o[nt][1] * inv0);
        *reinterpret_cast<uint32_t *>(tile + swz<kChunks>(lr1, nt) + 4 * t) = pack_bf16(o[nt][2] * inv1, o[nt][3] * inv1);
    }
    __syncwarp();
#pragma unroll
    for (int i = lane; i < 16 * kChunks; i += 32) {
        const int lr = warp * 16 + i / kChunks, c = i % kChunks;
        const int s = m0 + lr;
        if (s < seq) {
            *reinterpret_cast<uint4 *>(out + s * ld + head * kD + c * 8) =
                *reinterpret_cast<const uint4 *>(tile + swz<kChunks>(lr, c));
        }
    }
    if (t == 0) {
        if (r0 < seq) lse[static_cast<long long>(r0) * groups + head] = (mx0 + log2f(l0)) * kLn2;
        if (r1 < seq) lse[static_cast<long long>(r1) * groups + head] = (mx1 + log2f(l1)) * kLn2;
    }
}

}  // namespace baton_attn
