// Loads and stores of fp32 or bf16 tensors chosen at run time, and the lane-group reductions the
// row kernels share.
//
// Every CudaOps kernel takes its tensors as untyped pointers plus one `types` bit mask (bit i set:
// tensor i of the kernel's documented order is bf16, else fp32), so that one compiled kernel
// serves every mix the model uses (bf16 activations, fp32 statistics and gradients) without a
// template instance per combination. The branch on a type bit is uniform across the grid, so it
// costs no divergence; arithmetic is always fp32.
//
// Vector paths move 8 elements per access (one 16-byte load for bf16, two for fp32); a kernel
// takes them only when every pointer it vectorises is 16-byte aligned and its rows are multiples
// of 8 elements, and otherwise runs the same code one element at a time.
#pragma once

#include <cuda_bf16.h>
#include <stdint.h>

namespace baton {

typedef __nv_bfloat16 bf16;

__device__ __forceinline__ bool type_bit(unsigned types, int slot) { return (types >> slot) & 1u; }

__device__ __forceinline__ bool aligned16(const void *p) { return (reinterpret_cast<uintptr_t>(p) & 15u) == 0; }

__device__ __forceinline__ float load1(const void *p, bool bf, long long i) {
    return bf ? __bfloat162float(static_cast<const bf16 *>(p)[i]) : static_cast<const float *>(p)[i];
}

__device__ __forceinline__ void store1(void *p, bool bf, long long i, float v) {
    if (bf) {
        static_cast<bf16 *>(p)[i] = __float2bfloat16_rn(v);
    } else {
        static_cast<float *>(p)[i] = v;
    }
}

// Elements [i, i+8): i a multiple of 8 and p 16-byte aligned.
__device__ __forceinline__ void load8(const void *p, bool bf, long long i, float (&v)[8]) {
    if (bf) {
        const uint4 u = *reinterpret_cast<const uint4 *>(static_cast<const bf16 *>(p) + i);
        const __nv_bfloat162 *h = reinterpret_cast<const __nv_bfloat162 *>(&u);
#pragma unroll
        for (int k = 0; k < 4; k++) {
            const float2 f = __bfloat1622float2(h[k]);
            v[2 * k] = f.x;
            v[2 * k + 1] = f.y;
        }
    } else {
        const float4 a = *reinterpret_cast<const float4 *>(static_cast<const float *>(p) + i);
        const float4 b = *reinterpret_cast<const float4 *>(static_cast<const float *>(p) + i + 4);
        v[0] = a.x, v[1] = a.y, v[2] = a.z, v[3] = a.w;
        v[4] = b.x, v[5] = b.y, v[6] = b.z, v[7] = b.w;
    }
}

__device__ __forceinline__ void store8(void *p, bool bf, long long i, const float (&v)[8]) {
    if (bf) {
        uint4 u;
        __nv_bfloat162 *h = reinterpret_cast<__nv_bfloat162 *>(&u);
#pragma unroll
        for (int k = 0; k < 4; k++) {
            h[k] = __floats2bfloat162_rn(v[2 * k], v[2 * k + 1]);
        }
        *reinterpret_cast<uint4 *>(static_cast<bf16 *>(p) + i) = u;
    } else {
        *reinterpret_cast<float4 *>(static_cast<float *>(p) + i) = make_float4(v[0], v[1], v[2], v[3]);
        *reinterpret_cast<float4 *>(static_cast<float *>(p) + i + 4) = make_float4(v[4], v[5], v[6], v[7]);
    }
}

// V consecutive elements: the vector access for V = 8, single elements for V = 1.
template <int V>
__device__ __forceinline__ void loadv(const void *p, bool bf, long long i, float (&v)[V]) {
    if constexpr (V == 8) {
        load8(p, bf, i, v);
    } else {
#pragma unroll
        for (int k = 0; k < V; k++) {
            v[k] = load1(p, bf, i + k);
        }
    }
}

template <int V>
__device__ __forceinline__ void storev(void *p, bool bf, long long i, const float (&v)[V]) {
    if constexpr (V == 8) {
        store8(p, bf, i, v);
    } else {
#pragma unroll
        for (int k = 0; k < V; k++) {
            store1(p, bf, i + k, v[k]);
        }
    }
}

// Sum over the aligned group of `width` lanes (a power of two up to 32) holding this lane. Every
// lane of the warp must call it (it shuffles with the full mask), whatever its group computes.
template <typename T>
__device__ __forceinline__ T group_sum(T v, int width) {
    for (int o = width >> 1; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o, width);
    }
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    }
    return v;
}

__device__ __forceinline__ float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

// Block-wide sum of one double per thread, in a fixed order (deterministic); every thread of the
// block must call it; the result is valid in thread 0. `scratch` holds blockDim.x / 32 doubles.
__device__ __forceinline__ double block_sum_double(double v, double *scratch) {
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    __syncthreads();
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    double total = 0.0;
    if (threadIdx.x == 0) {
        for (int w = 0; w < (int) (blockDim.x >> 5); w++) {
            total += scratch[w];
        }
    }
    return total;
}

// The "last block" step of a deterministic grid reduction: thread 0 of every block calls it after
// writing its partials; it returns true in exactly one block, the last to arrive, which may then
// read every block's partials (they are visible: each writer fenced before counting) and must
// reset the counter to 0 for the next launch.
__device__ __forceinline__ bool arrive_last(unsigned int *counter) {
    __threadfence();
    const unsigned int ticket = atomicAdd(counter, 1u);
    return ticket == gridDim.x * gridDim.y * gridDim.z - 1;
}

} // namespace baton
