// Elementwise maps of the model over fp32 or bf16 tensors (see typed_access.cuh for `types`):
// axpby (the residual-stream linear combinations), relu² forward and backward (the MLP
// activation; fusing it into the c_fc GEMM's epilogue, as the record's Triton kernel does, is a
// later optimisation), the logit softcap, and a converting copy. Each is one pass: 16-byte
// accesses when every pointer is aligned, a scalar tail otherwise. Outputs may alias inputs.
#include "typed_access.cuh"

using namespace baton;

namespace {

__device__ __forceinline__ long long thread_index() { return blockIdx.x * (long long) blockDim.x + threadIdx.x; }

__device__ __forceinline__ long long thread_count() { return (long long) gridDim.x * blockDim.x; }

} // namespace

// out = a·x + b·y, or a·x when y is null. types: bit 0 out, 1 x, 2 y.
extern "C" __global__ void baton_axpby(void *out, const void *x, const void *y, float a, float b, long long n,
                                       unsigned types) {
    const bool bo = type_bit(types, 0), bx = type_bit(types, 1), by = type_bit(types, 2);
    const bool vec = aligned16(out) && aligned16(x) && (y == nullptr || aligned16(y));
    const long long n8 = vec ? n / 8 : 0;
    for (long long i = thread_index(); i < n8; i += thread_count()) {
        float vx[8], vy[8], r[8];
        load8(x, bx, i * 8, vx);
        if (y != nullptr) {
            load8(y, by, i * 8, vy);
#pragma unroll
            for (int k = 0; k < 8; k++) {
                r[k] = a * vx[k] + b * vy[k];
            }
        } else {
#pragma unroll
            for (int k = 0; k < 8; k++) {
                r[k] = a * vx[k];
            }
        }
        store8(out, bo, i * 8, r);
    }
    for (long long i = n8 * 8 + thread_index(); i < n; i += thread_count()) {
        const float vx = load1(x, bx, i);
        store1(out, bo, i, y != nullptr ? a * vx + b * load1(y, by, i) : a * vx);
    }
}

// out = max(h, 0)². types: bit 0 h, 1 out.
extern "C" __global__ void baton_relu2_fwd(const void *h, void *out, long long n, unsigned types) {
    const bool bh = type_bit(types, 0), bo = type_bit(types, 1);
    const long long n8 = aligned16(h) && aligned16(out) ? n / 8 : 0;
    for (long long i = thread_index(); i < n8; i += thread_count()) {
        float v[8];
        load8(h, bh, i * 8, v);
#pragma unroll
        for (int k = 0; k < 8; k++) {
            const float r = fmaxf(v[k], 0.f);
            v[k] = r * r;
        }
        store8(out, bo, i * 8, v);
    }
    for (long long i = n8 * 8 + thread_index(); i < n; i += thread_count()) {
        const float r = fmaxf(load1(h, bh, i), 0.f);
        store1(out, bo, i, r * r);
    }
}

// dh = dout · 2·max(h, 0). types: bit 0 h, 1 dout, 2 dh.
extern "C" __global__ void baton_relu2_bwd(const void *h, const void *dout, void *dh, long long n, unsigned types) {
    const bool bh = type_bit(types, 0), bd = type_bit(types, 1), bg = type_bit(types, 2);
    const long long n8 = aligned16(h) && aligned16(dout) && aligned16(dh) ? n / 8 : 0;
    for (long long i = thread_index(); i < n8; i += thread_count()) {
        float vh[8], vd[8];
        load8(h, bh, i * 8, vh);
        load8(dout, bd, i * 8, vd);
#pragma unroll
        for (int k = 0; k < 8; k++) {
            vd[k] = vd[k] * 2.f * fmaxf(vh[k], 0.f);
        }
        store8(dh, bg, i * 8, vd);
    }
    for (long long i = n8 * 8 + thread_index(); i < n; i += thread_count()) {
        store1(dh, bg, i, load1(dout, bd, i) * 2.f * fmaxf(load1(h, bh, i), 0.f));
    }
}

// out = a·σ((x + b) / c). types: bit 0 x, 1 out.
extern "C" __global__ void baton_softcap(const void *x, void *out, float a, float b, float c, long long n,
                                         unsigned types) {
    const bool bx = type_bit(types, 0), bo = type_bit(types, 1);
    const long long n8 = aligned16(x) && aligned16(out) ? n / 8 : 0;
    for (long long i = thread_index(); i < n8; i += thread_count()) {
        float v[8];
        load8(x, bx, i * 8, v);
#pragma unroll
        for (int k = 0; k < 8; k++) {
            v[k] = a * sigmoidf((v[k] + b) / c);
        }
        store8(out, bo, i * 8, v);
    }
    for (long long i = n8 * 8 + thread_index(); i < n; i += thread_count()) {
        store1(out, bo, i, a * sigmoidf((load1(x, bx, i) + b) / c));
    }
}

// dst = src, converting between fp32 and bf16 (round to nearest even). types: bit 0 dst, 1 src.
extern "C" __global__ void baton_convert(void *dst, const void *src, long long n, unsigned types) {
    const bool bd = type_bit(types, 0), bs = type_bit(types, 1);
    const long long n8 = aligned16(dst) && aligned16(src) ? n / 8 : 0;
    for (long long i = thread_index(); i < n8; i += thread_count()) {
        float v[8];
        load8(src, bs, i * 8, v);
        store8(dst, bd, i * 8, v);
    }
    for (long long i = n8 * 8 + thread_index(); i < n; i += thread_count()) {
        store1(dst, bd, i, load1(src, bs, i));
    }
}
