// Reductions written into one element of a tensor: the gradients of the scalar parameters
// (resid/x0/smear/skip/backout lambdas) and the summed loss, without a host round trip.
//
// Deterministic: a fixed grid, each thread accumulating its grid-stride share in fp64 (the
// products of two fp32 values are exact in fp64), a fixed-order tree per block, and the last
// block to finish adding the per-block partials in a fixed order. The same inputs give the same
// bits on every run.
#include "typed_access.cuh"

using namespace baton;

// dst[index] (= or +=) scale · Σ a[i]·b[i], or scale · Σ a[i] when b is null.
// types: bit 0 a, 1 b, 2 dst. partials: gridDim.x doubles; counter: one zeroed word.
extern "C" __global__ void __launch_bounds__(256) baton_dot(const void *a, const void *b, void *dst,
                                                            long long index, float scale, int accumulate,
                                                            long long n, unsigned types, double *partials,
                                                            unsigned int *counter) {
    __shared__ double scratch[8];
    __shared__ bool last;
    const bool ba = type_bit(types, 0), bb = type_bit(types, 1), bd = type_bit(types, 2);
    const long long tid = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long stride = (long long) gridDim.x * blockDim.x;
    const bool vec = aligned16(a) && (b == nullptr || aligned16(b));
    const long long n8 = vec ? n / 8 : 0;
    double acc = 0.0;
    for (long long i = tid; i < n8; i += stride) {
        float va[8], vb[8];
        load8(a, ba, i * 8, va);
        if (b != nullptr) {
            load8(b, bb, i * 8, vb);
#pragma unroll
            for (int k = 0; k < 8; k++) {
                acc = fma((double) va[k], (double) vb[k], acc);
            }
        } else {
#pragma unroll
            for (int k = 0; k < 8; k++) {
                acc += (double) va[k];
            }
        }
    }
    for (long long i = n8 * 8 + tid; i < n; i += stride) {
        const double va = load1(a, ba, i);
        acc = b != nullptr ? fma(va, (double) load1(b, bb, i), acc) : acc + va;
    }
    const double block = block_sum_double(acc, scratch);
    if (threadIdx.x == 0) {
        partials[blockIdx.x] = block;
        last = arrive_last(counter);
    }
    __syncthreads();
    if (!last) {
        return;
    }
    // the last block adds the partials: thread t takes t, t + blockDim, ..., then the fixed tree
    double part = 0.0;
    for (unsigned int p = threadIdx.x; p < gridDim.x; p += blockDim.x) {
        part += __ldcg(partials + p);
    }
    const double total = block_sum_double(part, scratch);
    if (threadIdx.x == 0) {
        const float v = (float) (scale * total);
        store1(dst, bd, index, accumulate ? load1(dst, bd, index) + v : v);
        *counter = 0u;
    }
}
