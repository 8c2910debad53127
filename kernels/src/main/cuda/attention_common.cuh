// Shared pieces of the attention kernels: the document/window geometry of a position, and the
// warp-level building blocks of the tiled kernels (cp.async copies into XOR-swizzled shared
// tiles, ldmatrix fragment loads, bf16 m16n8k16 tensor-core products).
//
// Geometry: query s sees key j iff docStart(s) <= j <= s and s - j <= window, where document
// d spans [seqScale*cu[d], seqScale*cu[d+1]). Both bounds below are monotone in the position,
// which is what lets a tile of consecutive rows work on one contiguous range of the other side.
#pragma once
#include <cuda_bf16.h>
#include <stdint.h>

namespace baton_attn {

typedef __nv_bfloat16 bf16;

constexpr float kLog2e = 1.4426950408889634f;
constexpr float kLn2 = 0.6931471805599453f;

// First position of the document holding s: seqScale*cu[i] for the largest i with
// seqScale*cu[i] <= s (repeated entries, i.e. empty documents, resolve to the last of them).
__device__ __forceinline__ int doc_start(const int *cu, int ncu, int seq_scale, int s) {
    int lo = 0, hi = ncu - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) >> 1;
        if (__ldg(cu + mid) * seq_scale <= s) lo = mid; else hi = mid - 1;
    }
    return __ldg(cu + lo) * seq_scale;
}

// One past the last position of the document holding s: seqScale*cu[i] for the smallest i with
// seqScale*cu[i] > s, or the sequence end for s beyond it.
__device__ __forceinline__ int doc_end(const int *cu, int ncu, int seq_scale, int s) {
    int lo = 0, hi = ncu - 1;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (__ldg(cu + mid) * seq_scale > s) hi = mid; else lo = mid + 1;
    }
    return __ldg(cu + lo) * seq_scale;
}

// Lowest key query s sees (its own position is the highest).
__device__ __forceinline__ int first_key(const int *cu, int ncu, int seq_scale, int window, int s) {
    return max(doc_start(cu, ncu, seq_scale, s), s - window);
}

// Highest query that sees key j (j itself is the lowest). The host caps window at S, so the
// sum cannot overflow.
__device__ __forceinline__ int last_query(const int *cu, int ncu, int seq_scale, int window, int j) {
    return min(doc_end(cu, ncu, seq_scale, j) - 1, j + window);
}

__device__ __forceinline__ uint32_t smem_addr(const void *p) {
    return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// Byte offset of 16-byte chunk `chunk` of row `row` in a tile of kChunks chunks per row. The
// chunk index is XORed with the row's low 3 bits so that the 8 row addresses of an ldmatrix
// (same logical chunk, consecutive rows) fall in 8 different bank groups.
template <int kChunks>
__device__ __forceinline__ uint32_t swz(int row, int chunk) {
    static_assert(kChunks >= 8, "the swizzle needs at least 8 chunks (64 bf16) per row");
    return static_cast<uint32_t>(row * kChunks * 16 + ((chunk ^ (row & 7)) << 4));
}

// 16 bytes global -> shared, asynchronous; when !valid the destination is zero-filled and no
// byte is read (the source address is still kept inside the tensor by the callers).
__device__ __forceinline__ void cp_async16(uint32_t dst, const void *src, bool valid) {
    int n = valid ? 16 : 0;
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(n) : "memory");
}

// 4 bytes global -> shared (lse and delta rows), zero-filled when !valid.
__device__ __forceinline__ void cp_async4(uint32_t dst, const void *src, bool valid) {
    int n = valid ? 4 : 0;
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(dst), "l"(src), "r"(n) : "memory");
}

__device__ __forceinline__ void cp_async_commit() {
    asm volatile("cp.async.commit_group;\n" ::: "memory");
}

template <int kPending>
__device__ __forceinline__ void cp_async_wait() {
    asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending) : "memory");
}

// Four 8x8 b16 matrices; lanes 8i..8i+7 give the row addresses of matrix i, register i holds
// (row lane/4, columns 2*(lane%4), +1) of matrix i.
__device__ __forceinline__ void ldsm_x4(uint32_t addr, uint32_t &r0, uint32_t &r1, uint32_t &r2, uint32_t &r3) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
                 : "r"(addr)
                 : "memory");
}

// As ldsm_x4, each matrix transposed: register i holds (rows 2*(lane%4), +1; column lane/4).
__device__ __forceinline__ void ldsm_x4_t(uint32_t addr, uint32_t &r0, uint32_t &r1, uint32_t &r2, uint32_t &r3) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3)
                 : "r"(addr)
                 : "memory");
}

// d += a * b for one 16x8 tile: a is 16x16 row-major (4 registers), b 16x8 column-major (2).
__device__ __forceinline__ void mma16816(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
        "{%0,%1,%2,%3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// 2^x on the special-function unit alone: exp2f adds a rescaling for results below the normal
// range, which softmax weights that small do not need (they flush to 0; exp2(-inf) = 0).
__device__ __forceinline__ float fast_exp2(float x) {
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x));
    return y;
}

// Two floats as a bf16 pair, the first in the low half (the lower column of a fragment).
__device__ __forceinline__ uint32_t pack_bf16(float lo, float hi) {
    __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<uint32_t *>(&v);
}

// Copies rows [row0, row0 + kRows) of one head of an (S, G, D) tensor into a swizzled shared
// tile, rows past S zero-filled. Every thread of the block calls it; one commit group is left
// open for the caller to close.
template <int kRows, int kD, int kThreads>
__device__ __forceinline__ void load_tile(uint32_t tile, const bf16 *head_base, long long row_stride, int row0,
                                          int seq) {
    constexpr int kChunks = kD / 8;
    for (int i = threadIdx.x; i < kRows * kChunks; i += kThreads) {
        int r = i / kChunks;
        int c = i % kChunks;
        int s = row0 + r;
        bool valid = s < seq;
        const bf16 *src = head_base + (valid ? s : 0) * row_stride + c * 8;
        cp_async16(tile + swz<kChunks>(r, c), src, valid);
    }
}

// Red (atomic add without return) of two consecutive floats; sm_90 has the vector form.
__device__ __forceinline__ void red_add_v2(float *addr, float a, float b) {
    asm volatile("red.global.add.v2.f32 [%0], {%1, %2};\n" ::"l"(addr), "f"(a), "f"(b) : "memory");
}

}  // namespace baton_attn
