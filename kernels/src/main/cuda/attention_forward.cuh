// Tiled attention forward, FlashAttention-2 style on mma.sync tensor cores.
//
// One block owns kBM = 16*kMT*kWarps consecutive query rows of one head; each warp owns kMT
// 16-row m-tiles. The block walks only the key tiles its rows can see,
// [max(docStart(m0), m0 - window), last row] (a contiguous range: both bounds are monotone), so
// a sliding window costs O(window) per row however long the sequence. K and V tiles of kBN keys
// are double-buffered with cp.async; scores stay in registers in the log2 domain with an online
// softmax in fp32, and P goes to the second product as bf16 A fragments without touching shared
// memory. Tiles that lie wholly inside every row's visible range skip the per-element mask.
//
// kMT = 1 keeps the warp's Q fragments in registers; kMT = 2 rereads them from shared memory
// but uses every K and V fragment for two m-tiles, which halves the ldmatrix traffic per
// product: with 16-row warps the kernel is bound by shared-memory bandwidth, not tensor cores.
#pragma once
#include "attention_common.cuh"

namespace baton_attn {

// Shared layout: the Q tile, then stage b of K at kQ + 2*b*kTileK with V right after it.
template <int kD, int kWarps, int kMT>
struct ForwardTiles {
    static constexpr int kBM = 16 * kMT * kWarps;
    static constexpr int kBN = 64;
    static constexpr int kThreads = 32 * kWarps;
    static constexpr int kChunks = kD / 8;
    static constexpr int kTileK = kBN * kD * 2;  // bytes of one K (or V) tile
    static constexpr int kTileQ = kBM * kD * 2;
    static constexpr int kSmem = kTileQ + 4 * kTileK;
};

template <int kD, int kWarps, int kMT>
__device__ __forceinline__ void attention_forward_tiled(const bf16 *__restrict__ q, const bf16 *__restrict__ k,
                                                        const bf16 *__restrict__ v, const int *__restrict__ cu,
                                                        int ncu, int seq_scale, int seq, int groups, int window,
                                                        float scale, bf16 *__restrict__ out,
                                                        float *__restrict__ lse) {
    using T = ForwardTiles<kD, kWarps, kMT>;
    constexpr int kBM = T::kBM, kBN = T::kBN, kChunks = T::kChunks;
    constexpr int kStage = 2 * T::kTileK;
    extern __shared__ __align__(128) unsigned char smem[];
    const uint32_t sQ = smem_addr(smem);
    const uint32_t sK0 = sQ + T::kTileQ;
    const uint32_t sV0 = sK0 + T::kTileK;

    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int g = lane >> 2, t = lane & 3;
    const int head = blockIdx.y;
    const int m0 = blockIdx.x * kBM;
    const int wrow = warp * 16 * kMT;  // the warp's first row in the tile
    const long long ld = static_cast<long long>(groups) * kD;
    const bf16 *qh = q + head * kD;
    const bf16 *kh = k + head * kD;
    const bf16 *vh = v + head * kD;

    const int last_row = min(m0 + kBM, seq) - 1;
    const int key_lo = first_key(cu, ncu, seq_scale, window, m0);
    const int lo_max = first_key(cu, ncu, seq_scale, window, last_row);
    const int blk_lo = key_lo / kBN, blk_hi = last_row / kBN;

    // this thread's rows: fragment rows g and g+8 of each of its warp's m-tiles
    int row[kMT][2], lo[kMT][2];
#pragma unroll
    for (int mt = 0; mt < kMT; ++mt) {
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            row[mt][h] = m0 + wrow + mt * 16 + g + 8 * h;
            lo[mt][h] = first_key(cu, ncu, seq_scale, window, row[mt][h]);
        }
    }

    load_tile<kBM, kD, T::kThreads>(sQ, qh, ld, m0, seq);
    load_tile<kBN, kD, T::kThreads>(sK0, kh, ld, blk_lo * kBN, seq);
    load_tile<kBN, kD, T::kThreads>(sV0, vh, ld, blk_lo * kBN, seq);
    cp_async_commit();
    cp_async_wait<0>();
    __syncthreads();

    uint32_t qf[kMT == 1 ? kD / 16 : 1][4];
    if (kMT == 1) {
#pragma unroll
        for (int ks = 0; ks < kD / 16; ++ks) {
            ldsm_x4(sQ + swz<kChunks>(wrow + (lane & 15), ks * 2 + (lane >> 4)), qf[ks][0], qf[ks][1], qf[ks][2],
                    qf[ks][3]);
        }
    }

    float o[kMT][kD / 8][4];
#pragma unroll
    for (int mt = 0; mt < kMT; ++mt) {
#pragma unroll
        for (int i = 0; i < kD / 8; ++i) o[mt][i][0] = o[mt][i][1] = o[mt][i][2] = o[mt][i][3] = 0.f;
    }
    float mx[kMT][2], l[kMT][2];
#pragma unroll
    for (int mt = 0; mt < kMT; ++mt) mx[mt][0] = mx[mt][1] = -INFINITY, l[mt][0] = l[mt][1] = 0.f;
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

        float sc[kMT][kBN / 8][4];
#pragma unroll
        for (int mt = 0; mt < kMT; ++mt) {
#pragma unroll
            for (int i = 0; i < kBN / 8; ++i) sc[mt][i][0] = sc[mt][i][1] = sc[mt][i][2] = sc[mt][i][3] = 0.f;
        }
#pragma unroll
        for (int ks = 0; ks < kD / 16; ++ks) {
            uint32_t qa[kMT][4];
#pragma unroll
            for (int mt = 0; mt < kMT; ++mt) {
                if (kMT == 1) {
#pragma unroll
                    for (int e = 0; e < 4; ++e) qa[mt][e] = qf[kMT == 1 ? ks : 0][e];
                } else {
                    ldsm_x4(sQ + swz<kChunks>(wrow + mt * 16 + (lane & 15), ks * 2 + (lane >> 4)), qa[mt][0],
                            qa[mt][1], qa[mt][2], qa[mt][3]);
                }
            }
#pragma unroll
            for (int np = 0; np < kBN / 16; ++np) {
                uint32_t b0, b1, b2, b3;
                ldsm_x4(sK + swz<kChunks>(np * 16 + (lane & 7) + ((lane >> 4) << 3), ks * 2 + ((lane >> 3) & 1)), b0,
                        b1, b2, b3);
#pragma unroll
                for (int mt = 0; mt < kMT; ++mt) {
                    mma16816(sc[mt][2 * np], qa[mt], b0, b1);
                    mma16816(sc[mt][2 * np + 1], qa[mt], b2, b3);
                }
            }
        }

        const bool masked = !(n0 >= lo_max && n0 + kBN - 1 <= m0);
        uint32_t pa[kMT][kBN / 16][4];
#pragma unroll
        for (int mt = 0; mt < kMT; ++mt) {
            float bm0 = -INFINITY, bm1 = -INFINITY;
#pragma unroll
            for (int nt = 0; nt < kBN / 8; ++nt) {
#pragma unroll
                for (int e = 0; e < 4; ++e) {
                    float x = sc[mt][nt][e] * sl2;
                    if (masked) {
                        const int key = n0 + nt * 8 + 2 * t + (e & 1);
                        const int h = e >> 1;
                        if (key < lo[mt][h] || key > row[mt][h]) x = -INFINITY;
                    }
                    sc[mt][nt][e] = x;
                }
                bm0 = fmaxf(bm0, fmaxf(sc[mt][nt][0], sc[mt][nt][1]));
                bm1 = fmaxf(bm1, fmaxf(sc[mt][nt][2], sc[mt][nt][3]));
            }
            bm0 = fmaxf(bm0, __shfl_xor_sync(0xffffffffu, bm0, 1));
            bm0 = fmaxf(bm0, __shfl_xor_sync(0xffffffffu, bm0, 2));
            bm1 = fmaxf(bm1, __shfl_xor_sync(0xffffffffu, bm1, 1));
            bm1 = fmaxf(bm1, __shfl_xor_sync(0xffffffffu, bm1, 2));
            const float nm0 = fmaxf(mx[mt][0], bm0), nm1 = fmaxf(mx[mt][1], bm1);
            // a row with nothing visible yet keeps max -inf: subtract 0 instead (exp2(-inf) = 0)
            const float base0 = nm0 == -INFINITY ? 0.f : nm0;
            const float base1 = nm1 == -INFINITY ? 0.f : nm1;
            const float a0 = fast_exp2(mx[mt][0] - base0), a1 = fast_exp2(mx[mt][1] - base1);
            mx[mt][0] = nm0;
            mx[mt][1] = nm1;
            float s0 = 0.f, s1 = 0.f;
#pragma unroll
            for (int nt = 0; nt < kBN / 8; ++nt) {
                sc[mt][nt][0] = fast_exp2(sc[mt][nt][0] - base0);
                sc[mt][nt][1] = fast_exp2(sc[mt][nt][1] - base0);
                sc[mt][nt][2] = fast_exp2(sc[mt][nt][2] - base1);
                sc[mt][nt][3] = fast_exp2(sc[mt][nt][3] - base1);
                s0 += sc[mt][nt][0] + sc[mt][nt][1];
                s1 += sc[mt][nt][2] + sc[mt][nt][3];
            }
            l[mt][0] = l[mt][0] * a0 + s0;
            l[mt][1] = l[mt][1] * a1 + s1;
#pragma unroll
            for (int i = 0; i < kD / 8; ++i) {
                o[mt][i][0] *= a0;
                o[mt][i][1] *= a0;
                o[mt][i][2] *= a1;
                o[mt][i][3] *= a1;
            }
#pragma unroll
            for (int kk = 0; kk < kBN / 16; ++kk) {
                pa[mt][kk][0] = pack_bf16(sc[mt][2 * kk][0], sc[mt][2 * kk][1]);
                pa[mt][kk][1] = pack_bf16(sc[mt][2 * kk][2], sc[mt][2 * kk][3]);
                pa[mt][kk][2] = pack_bf16(sc[mt][2 * kk + 1][0], sc[mt][2 * kk + 1][1]);
                pa[mt][kk][3] = pack_bf16(sc[mt][2 * kk + 1][2], sc[mt][2 * kk + 1][3]);
            }
        }
#pragma unroll
        for (int kk = 0; kk < kBN / 16; ++kk) {
#pragma unroll
            for (int dp = 0; dp < kD / 16; ++dp) {
                uint32_t b0, b1, b2, b3;
                ldsm_x4_t(sV + swz<kChunks>(kk * 16 + (lane & 15), dp * 2 + (lane >> 4)), b0, b1, b2, b3);
#pragma unroll
                for (int mt = 0; mt < kMT; ++mt) {
                    mma16816(o[mt][2 * dp], pa[mt][kk], b0, b1);
                    mma16816(o[mt][2 * dp + 1], pa[mt][kk], b2, b3);
                }
            }
        }
        if (blk < blk_hi) {
            cp_async_wait<0>();
            __syncthreads();
        }
    }

    // stage this warp's output rows in its own rows of the Q tile (read by no other warp), then
    // 16-byte stores
    unsigned char *tile = smem;
#pragma unroll
    for (int mt = 0; mt < kMT; ++mt) {
#pragma unroll
        for (int h = 0; h < 2; ++h) {
            float lt = l[mt][h];
            lt += __shfl_xor_sync(0xffffffffu, lt, 1);
            lt += __shfl_xor_sync(0xffffffffu, lt, 2);
            const float inv = 1.f / lt;
            const int lr = wrow + mt * 16 + g + 8 * h;
#pragma unroll
            for (int nt = 0; nt < kD / 8; ++nt) {
                *reinterpret_cast<uint32_t *>(tile + swz<kChunks>(lr, nt) + 4 * t) =
                    pack_bf16(o[mt][nt][2 * h] * inv, o[mt][nt][2 * h + 1] * inv);
            }
            if (t == 0 && row[mt][h] < seq) {
                lse[static_cast<long long>(row[mt][h]) * groups + head] = (mx[mt][h] + log2f(lt)) * kLn2;
            }
        }
    }
    __syncwarp();
#pragma unroll
    for (int i = lane; i < 16 * kMT * kChunks; i += 32) {
        const int lr = wrow + i / kChunks, c = i % kChunks;
        const int s = m0 + lr;
        if (s < seq) {
            *reinterpret_cast<uint4 *>(out + s * ld + head * kD + c * 8) =
                *reinterpret_cast<const uint4 *>(tile + swz<kChunks>(lr, c));
        }
    }
}

}  // namespace baton_attn
