// Tiled attention backward, FlashAttention-2 style on mma.sync tensor cores.
//
// One block owns kBN = 16*kWarps consecutive keys of one head (each warp 16 of them) and keeps
// their dK and dV accumulators in registers while it walks the query tiles of kBM rows that see
// those keys: [n0, min(last key + window, docEnd(last key) - 1)]. Per query tile it recomputes
// the transposed scores S^T = K Q^T from Q and the saved lse, forms dP^T = V dO^T and
// dS^T = P^T (dP^T - delta), accumulates dV += P^T dO and dK += dS^T Q, and writes dS^T to
// shared memory, from where all warps compute this tile's dQ share dS K and add it to an fp32
// accumulator with vector atomics (red.global.add.v2.f32): FlashAttention-2's choice, which
// keeps one pass over the (query, key) pairs at the price of a zeroed fp32 dQ workspace and a
// final conversion pass (and dQ sums that are not bit-reproducible between runs).
// Q, dO, lse and delta tiles are double-buffered with cp.async.
#pragma once
#include "attention_common.cuh"

namespace baton_attn {

template <int kD, int kWarps>
struct BackwardTiles {
    static constexpr int kBN = 16 * kWarps;  // keys per block
    static constexpr int kBM = 64;           // queries per step
    static constexpr int kThreads = 32 * kWarps;
    static constexpr int kChunks = kD / 8;
    static constexpr int kKeyTile = kBN * kD * 2;
    static constexpr int kQueryTile = kBM * kD * 2;
    static constexpr int kDsTile = kBN * kBM * 2;
    static constexpr int kSmem = 2 * kKeyTile + 4 * kQueryTile + kDsTile + 4 * kBM * 4;
};

template <int kD, int kWarps>
__device__ __forceinline__ void attention_backward_tiled(
    const bf16 *__restrict__ q, const bf16 *__restrict__ k, const bf16 *__restrict__ v,
    const bf16 *__restrict__ dout, const float *__restrict__ lse, const float *__restrict__ delta,
    const int *__restrict__ cu, int ncu, int seq_scale, int seq, int groups, int window, float scale,
    float *__restrict__ dq_acc, bf16 *__restrict__ dk, bf16 *__restrict__ dv) {
    using T = BackwardTiles<kD, kWarps>;
    constexpr int kBN = T::kBN, kBM = T::kBM, kChunks = T::kChunks;
    extern __shared__ __align__(128) unsigned char smem[];
    const uint32_t sK = smem_addr(smem);
    const uint32_t sV = sK + T::kKeyTile;
    const uint32_t sQ0 = sV + T::kKeyTile;
    const uint32_t sO0 = sQ0 + 2 * T::kQueryTile;  // dO tiles
    const uint32_t sDs = sO0 + 2 * T::kQueryTile;
    const uint32_t sL0 = sDs + T::kDsTile;  // lse[2][kBM], then delta[2][kBM]
    const uint32_t sE0 = sL0 + 2 * kBM * 4;
    const float *lse_tile = reinterpret_cast<const float *>(smem + (sL0 - sK));
    const float *delta_tile = reinterpret_cast<const float *>(smem + (sE0 - sK));

    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int g = lane >> 2, t = lane & 3;
    const int head = blockIdx.y;
    const int n0 = blockIdx.x * kBN;
    const long long ld = static_cast<long long>(groups) * kD;
    const int hoff = head * kD;

    const int last_key = min(n0 + kBN, seq) - 1;
    const int q_hi = last_query(cu, ncu, seq_scale, window, last_key);
    const int hi_min = last_query(cu, ncu, seq_scale, window, n0);
    const int qb_lo = n0 / kBM, qb_hi = q_hi / kBM;

    // this thread's two keys (fragment rows g and g+8 of its warp)
    const int k0 = n0 + warp * 16 + g, k1 = k0 + 8;
    const int hi0 = last_query(cu, ncu, seq_scale, window, k0);
    const int hi1 = last_query(cu, ncu, seq_scale, window, k1);

    auto load_queries = [&](int qb, int buf) {
        const int m0 = qb * kBM;
        load_tile<kBM, kD, T::kThreads>(sQ0 + buf * T::kQueryTile, q + hoff, ld, m0, seq);
        load_tile<kBM, kD, T::kThreads>(sO0 + buf * T::kQueryTile, dout + hoff, ld, m0, seq);
        for (int i = threadIdx.x; i < 2 * kBM; i += T::kThreads) {
            const int r = i % kBM, s = m0 + r;
            const bool valid = s < seq;
            const long long idx = static_cast<long long>(valid ? s : 0) * groups + head;
            if (i < kBM) cp_async4(sL0 + (buf * kBM + r) * 4, lse + idx, valid);
            else cp_async4(sE0 + (buf * kBM + r) * 4, delta + idx, valid);
        }
    };

    load_tile<kBN, kD, T::kThreads>(sK, k + hoff, ld, n0, seq);
    load_tile<kBN, kD, T::kThreads>(sV, v + hoff, ld, n0, seq);
    load_queries(qb_lo, 0);
    cp_async_commit();

    float dka[kD / 8][4], dva[kD / 8][4];
#pragma unroll
    for (int i = 0; i < kD / 8; ++i) {
#pragma unroll
        for (int e = 0; e < 4; ++e) dka[i][e] = dva[i][e] = 0.f;
    }
    const float sl2 = scale * kLog2e;

    for (int qb = qb_lo; qb <= qb_hi; ++qb) {
        const int buf = (qb - qb_lo) & 1;
        const int m0 = qb * kBM;
        if (qb < qb_hi) {
            load_queries(qb + 1, buf ^ 1);
            cp_async_commit();
            cp_async_wait<1>();
        } else {
            cp_async_wait<0>();
        }
        __syncthreads();
        const uint32_t sQ = sQ0 + buf * T::kQueryTile, sO = sO0 + buf * T::kQueryTile;
        const float *lt = lse_tile + buf * kBM;
        const float *dt = delta_tile + buf * kBM;

        // S^T and dP^T for this warp's 16 keys x kBM queries
        float sc[kBM / 8][4], dp[kBM / 8][4];
#pragma unroll
        for (int i = 0; i < kBM / 8; ++i) {
#pragma unroll
            for (int e = 0; e < 4; ++e) sc[i][e] = dp[i][e] = 0.f;
        }
#pragma unroll
        for (int ks = 0; ks < kD / 16; ++ks) {
            uint32_t ka[4], va[4];
            const uint32_t arow = swz<kChunks>(warp * 16 + (lane & 15), ks * 2 + (lane >> 4));
            ldsm_x4(sK + arow, ka[0], ka[1], ka[2], ka[3]);
            ldsm_x4(sV + arow, va[0], va[1], va[2], va[3]);
#pragma unroll
            for (int np = 0; np < kBM / 16; ++np) {
                const uint32_t brow = swz<kChunks>(np * 16 + (lane & 7) + ((lane >> 4) << 3), ks * 2 + ((lane >> 3) & 1));
                uint32_t b0, b1, b2, b3;
                ldsm_x4(sQ + brow, b0, b1, b2, b3);
                mma16816(sc[2 * np], ka, b0, b1);
                mma16816(sc[2 * np + 1], ka, b2, b3);
                ldsm_x4(sO + brow, b0, b1, b2, b3);
                mma16816(dp[2 * np], va, b0, b1);
                mma16816(dp[2 * np + 1], va, b2, b3);
            }
        }

        // P^T (masked to 0) and dS^T = P^T (dP^T - delta), both per (key row, query column)
        const bool masked = !(m0 >= n0 + kBN - 1 && m0 + kBM - 1 <= hi_min);
#pragma unroll
        for (int nt = 0; nt < kBM / 8; ++nt) {
#pragma unroll
            for (int e = 0; e < 4; ++e) {
                const int col = nt * 8 + 2 * t + (e & 1);
                float p = fast_exp2(fmaf(sc[nt][e], sl2, -lt[col] * kLog2e));
                if (masked) {
                    const int s = m0 + col;
                    const int key = e < 2 ? k0 : k1;
                    const int hi = e < 2 ? hi0 : hi1;
                    if (s < key || s > hi) p = 0.f;
                }
                sc[nt][e] = p;
                dp[nt][e] = p * (dp[nt][e] - dt[col]);
            }
        }

        // P^T and dS^T as bf16 A fragments (packed before the products, which frees the fp32
        // tiles' registers), and dS^T to shared memory for the dQ product: rows are this warp's keys
        uint32_t pa[kBM / 16][4], da[kBM / 16][4];
        unsigned char *ds = smem + (sDs - sK);
#pragma unroll
        for (int kk = 0; kk < kBM / 16; ++kk) {
            pa[kk][0] = pack_bf16(sc[2 * kk][0], sc[2 * kk][1]);
            pa[kk][1] = pack_bf16(sc[2 * kk][2], sc[2 * kk][3]);
            pa[kk][2] = pack_bf16(sc[2 * kk + 1][0], sc[2 * kk + 1][1]);
            pa[kk][3] = pack_bf16(sc[2 * kk + 1][2], sc[2 * kk + 1][3]);
            da[kk][0] = pack_bf16(dp[2 * kk][0], dp[2 * kk][1]);
            da[kk][1] = pack_bf16(dp[2 * kk][2], dp[2 * kk][3]);
            da[kk][2] = pack_bf16(dp[2 * kk + 1][0], dp[2 * kk + 1][1]);
            da[kk][3] = pack_bf16(dp[2 * kk + 1][2], dp[2 * kk + 1][3]);
            *reinterpret_cast<uint32_t *>(ds + swz<kBM / 8>(warp * 16 + g, 2 * kk) + 4 * t) = da[kk][0];
            *reinterpret_cast<uint32_t *>(ds + swz<kBM / 8>(warp * 16 + g + 8, 2 * kk) + 4 * t) = da[kk][1];
            *reinterpret_cast<uint32_t *>(ds + swz<kBM / 8>(warp * 16 + g, 2 * kk + 1) + 4 * t) = da[kk][2];
            *reinterpret_cast<uint32_t *>(ds + swz<kBM / 8>(warp * 16 + g + 8, 2 * kk + 1) + 4 * t) = da[kk][3];
        }

        // dV += P^T dO and dK += dS^T Q (the queries are the reduction dimension)
#pragma unroll
        for (int kk = 0; kk < kBM / 16; ++kk) {
#pragma unroll
            for (int dpair = 0; dpair < kD / 16; ++dpair) {
                const uint32_t brow = swz<kChunks>(kk * 16 + (lane & 15), dpair * 2 + (lane >> 4));
                uint32_t b0, b1, b2, b3;
                ldsm_x4_t(sO + brow, b0, b1, b2, b3);
                mma16816(dva[2 * dpair], pa[kk], b0, b1);
                mma16816(dva[2 * dpair + 1], pa[kk], b2, b3);
                ldsm_x4_t(sQ + brow, b0, b1, b2, b3);
                mma16816(dka[2 * dpair], da[kk], b0, b1);
                mma16816(dka[2 * dpair + 1], da[kk], b2, b3);
            }
        }
        __syncthreads();

        // dQ share of this key tile: (kBM x kD) = dS (kBM x kBN) K (kBN x kD); warp w takes
        // query rows 16*(w%4).. and a 1/(kWarps/4) slice of the head dimension
        constexpr int kSlices = kWarps / 4;
        constexpr int kDW = kD / kSlices;
        const int rq = (warp % 4) * 16, d0 = (warp / 4) * kDW;
        float dqa[kDW / 8][4];
#pragma unroll
        for (int i = 0; i < kDW / 8; ++i) dqa[i][0] = dqa[i][1] = dqa[i][2] = dqa[i][3] = 0.f;
#pragma unroll
        for (int kk = 0; kk < kBN / 16; ++kk) {
            uint32_t a[4];
            ldsm_x4_t(sDs + swz<kBM / 8>(kk * 16 + (lane & 7) + ((lane >> 4) << 3), rq / 8 + ((lane >> 3) & 1)), a[0],
                      a[1], a[2], a[3]);
#pragma unroll
            for (int dpair = 0; dpair < kDW / 16; ++dpair) {
                uint32_t b0, b1, b2, b3;
                ldsm_x4_t(sK + swz<kChunks>(kk * 16 + (lane & 15), d0 / 8 + dpair * 2 + (lane >> 4)), b0, b1, b2, b3);
                mma16816(dqa[2 * dpair], a, b0, b1);
                mma16816(dqa[2 * dpair + 1], a, b2, b3);
            }
        }
        const int s0 = m0 + rq + g, s1 = s0 + 8;
#pragma unroll
        for (int nt = 0; nt < kDW / 8; ++nt) {
            const int d = d0 + nt * 8 + 2 * t;
            if (s0 <= q_hi) red_add_v2(dq_acc + s0 * ld + hoff + d, dqa[nt][0], dqa[nt][1]);
            if (s1 <= q_hi) red_add_v2(dq_acc + s1 * ld + hoff + d, dqa[nt][2], dqa[nt][3]);
        }
    }

    // all warps are done reading sK/sV: stage this warp's 16 rows of dK, dV there
    __syncthreads();
    unsigned char *kt = smem;
    unsigned char *vt = smem + T::kKeyTile;
    const int lr0 = warp * 16 + g, lr1 = lr0 + 8;
#pragma unroll
    for (int nt = 0; nt < kD / 8; ++nt) {
        *reinterpret_cast<uint32_t *>(kt + swz<kChunks>(lr0, nt) + 4 * t) = pack_bf16(dka[nt][0] * scale, dka[nt][1] * scale);
        *reinterpret_cast<uint32_t *>(kt + swz<kChunks>(lr1, nt) + 4 * t) = pack_bf16(dka[nt][2] * scale, dka[nt][3] * scale);
        *reinterpret_cast<uint32_t *>(vt + swz<kChunks>(lr0, nt) + 4 * t) = pack_bf16(dva[nt][0], dva[nt][1]);
        *reinterpret_cast<uint32_t *>(vt + swz<kChunks>(lr1, nt) + 4 * t) = pack_bf16(dva[nt][2], dva[nt][3]);
    }
    __syncwarp();
#pragma unroll
    for (int i = lane; i < 16 * kChunks; i += 32) {
        const int lr = warp * 16 + i / kChunks, c = i % kChunks;
        const int j = n0 + lr;
        if (j < seq) {
            const long long off = j * ld + hoff + c * 8;
            *reinterpret_cast<uint4 *>(dk + off) = *reinterpret_cast<const uint4 *>(kt + swz<kChunks>(lr, c));
            *reinterpret_cast<uint4 *>(dv + off) = *reinterpret_cast<const uint4 *>(vt + swz<kChunks>(lr, c));
        }
    }
}

}  // namespace baton_attn
