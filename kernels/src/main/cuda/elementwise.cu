// Elementwise kernels: fill, axpy and the fp32 <-> bf16 casts.
//
// The first kernels of the CUDA backend, kept plain (grid-stride loops, one element per step)
// as the correctness baseline; vectorised 16-byte versions come with the speed work. Every
// kernel takes its element count as a 64-bit integer so that tensors over 2^31 elements work.
// Names are extern "C" so that the Java side finds them by name in the module.
#include <cuda_bf16.h>

extern "C" __global__ void baton_fill_f32(float *out, float value, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        out[i] = value;
    }
}

extern "C" __global__ void baton_fill_bf16(__nv_bfloat16 *out, float value, long long n) {
    const __nv_bfloat16 v = __float2bfloat16_rn(value);
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        out[i] = v;
    }
}

// y = alpha * x + y, in fp32.
extern "C" __global__ void baton_axpy_f32(float *y, const float *x, float alpha, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        y[i] = fmaf(alpha, x[i], y[i]);
    }
}

// Round to nearest even, as torch's .bfloat16() does.
extern "C" __global__ void baton_cast_f32_bf16(__nv_bfloat16 *out, const float *in, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        out[i] = __float2bfloat16_rn(in[i]);
    }
}

extern "C" __global__ void baton_cast_bf16_f32(float *out, const __nv_bfloat16 *in, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        out[i] = __bfloat162float(in[i]);
    }
}
