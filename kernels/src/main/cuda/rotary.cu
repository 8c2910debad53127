// Table-driven rotary embedding (the record's half-truncated RoPE with YaRN, normal and
// paired-head layouts) and the partial key offset of the long-window layers.
//
// Rotary: x is (S, per_row) with per_row a multiple of the table width W; element e of row s uses
// column e mod W of table row s. Adjacent pairs (2j, 2j+1) rotate:
//   forward   o0 = c0·x0 + s0·x1,  o1 = c1·x1 + s1·x0
//   backward  o0 = c0·x0 + s1·x1,  o1 = c1·x1 + s0·x0   (the transpose)
// with the sine table's odd columns negated, as the record's factor2. The paired layout needs no
// code of its own: its tables are 2·hd wide and the (T, H/2, 2·hd) view is the same memory.
#include "typed_access.cuh"

using namespace baton;

namespace {

template <int V>
__device__ __forceinline__ void rotate(const void *x, const void *cs, const void *sn, void *out, long long e,
                                       long long t, bool transpose, bool bx, bool bc, bool bs, bool bo) {
    float v[V], c[V], s[V], o[V];
    loadv<V>(x, bx, e, v);
    loadv<V>(cs, bc, t, c);
    loadv<V>(sn, bs, t, s);
#pragma unroll
    for (int k = 0; k < V; k += 2) {
        if (transpose) {
            o[k] = c[k] * v[k] + s[k + 1] * v[k + 1];
            o[k + 1] = c[k + 1] * v[k + 1] + s[k] * v[k];
        } else {
            o[k] = c[k] * v[k] + s[k] * v[k + 1];
            o[k + 1] = c[k + 1] * v[k + 1] + s[k + 1] * v[k];
        }
    }
    storev<V>(out, bo, e, o);
}

} // namespace

// types: bit 0 x, 1 cos, 2 sin, 3 out. out may be x.
extern "C" __global__ void baton_rotary(const void *x, const void *cs, const void *sn, void *out, long long rows,
                                        int per_row, int width, int transpose, unsigned types) {
    const bool bx = type_bit(types, 0), bc = type_bit(types, 1), bs = type_bit(types, 2), bo = type_bit(types, 3);
    const long long n = rows * per_row;
    const long long tid = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long stride = (long long) gridDim.x * blockDim.x;
    const bool tr = transpose != 0;
    if (per_row % 8 == 0 && width % 8 == 0 && aligned16(x) && aligned16(cs) && aligned16(sn) && aligned16(out)) {
        for (long long i = tid; i < n / 8; i += stride) {
            const long long e = i * 8;
            const long long row = e / per_row;
            const long long t = row * width + (e - row * per_row) % width;
            rotate<8>(x, cs, sn, out, e, t, tr, bx, bc, bs, bo);
        }
    } else {
        for (long long i = tid; i < n / 2; i += stride) {
            const long long e = i * 2;
            const long long row = e / per_row;
            const long long t = row * width + (e - row * per_row) % width;
            rotate<2>(x, cs, sn, out, e, t, tr, bx, bc, bs, bo);
        }
    }
}

// Key offset on (S, H, D): channels [D/4, D/2) and [3D/4, D) are shifted one position forward.
//   forward:  dst[s] = src[s−1] in those channels for s ≥ 1, dst[0] = src[0]; elsewhere dst = src
//   backward: dst[0] = src[0] + src[1], dst[s] = src[s+1] (0 < s < S−1), dst[S−1] = 0 in those
//             channels (dst[0] = src[0] when S = 1); elsewhere dst = src
// dst must not overlap src. types: bit 0 src, 1 dst.
extern "C" __global__ void baton_key_offset(const void *src, void *dst, long long rows, int heads, int dim,
                                            int backward, unsigned types) {
    const bool bs = type_bit(types, 0), bd = type_bit(types, 1);
    const long long row_size = (long long) heads * dim;
    const long long n = rows * row_size;
    const long long tid = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long stride = (long long) gridDim.x * blockDim.x;
    // a chunk of 8 lies wholly inside or outside a shifted quarter when D/4 is a multiple of 8
    const int step = dim % 32 == 0 && aligned16(src) && aligned16(dst) ? 8 : 1;
    for (long long i = tid; i < n / step; i += stride) {
        const long long e = i * step;
        const long long r = e / row_size;
        const int j = (int) (e % dim);
        const bool shifted = (j >= dim / 4 && j < dim / 2) || j >= 3 * dim / 4;
        float v[8];
        if (step == 8) {
            if (!shifted) {
                load8(src, bs, e, v);
            } else if (!backward) {
                load8(src, bs, r > 0 ? e - row_size : e, v);
            } else if (r == rows - 1) {
                if (r == 0) {
                    load8(src, bs, e, v);
                } else {
#pragma unroll
                    for (int k = 0; k < 8; k++) {
                        v[k] = 0.f;
                    }
                }
            } else {
                load8(src, bs, e + row_size, v);
                if (r == 0) {
                    float w[8];
                    load8(src, bs, e, w);
#pragma unroll
                    for (int k = 0; k < 8; k++) {
                        v[k] += w[k];
                    }
                }
            }
            store8(dst, bd, e, v);
        } else {
            float s;
            if (!shifted) {
                s = load1(src, bs, e);
            } else if (!backward) {
                s = load1(src, bs, r > 0 ? e - row_size : e);
            } else if (r == rows - 1) {
                s = r == 0 ? load1(src, bs, e) : 0.f;
            } else {
                s = load1(src, bs, e + row_size) + (r == 0 ? load1(src, bs, e) : 0.f);
            }
            store1(dst, bd, e, s);
        }
    }
}

// Half-split rotation (the parameter-golf baseline's apply_rotary_emb): x is (S, per_row) with
// per_row a multiple of 2W (W = the tables' width); in every group of 2W channels of row s, channel
// j < W pairs with j + W, with c = cos[s, j], n = sin[s, j]:
//   forward   o[j] = x[j]·c + x[j+W]·n,  o[j+W] = x[j+W]·c − x[j]·n
//   backward  the same with n negated (the transpose, and the inverse)
// One thread takes V consecutive pairs; out may be x (each thread reads its pairs before writing).
// types: bit 0 x, 1 cos, 2 sin, 3 out.
namespace {

template <int V>
__device__ __forceinline__ void rotate_half(const void *x, const void *cs, const void *sn, void *out, long long a,
                                            long long w, long long t, float sign, bool bx, bool bc, bool bs,
                                            bool bo) {
    float lo[V], hi[V], c[V], s[V];
    loadv<V>(x, bx, a, lo);
    loadv<V>(x, bx, a + w, hi);
    loadv<V>(cs, bc, t, c);
    loadv<V>(sn, bs, t, s);
    float ol[V], oh[V];
#pragma unroll
    for (int k = 0; k < V; k++) {
        const float n = sign * s[k];
        ol[k] = lo[k] * c[k] + hi[k] * n;
        oh[k] = hi[k] * c[k] - lo[k] * n;
    }
    storev<V>(out, bo, a, ol);
    storev<V>(out, bo, a + w, oh);
}

} // namespace

extern "C" __global__ void baton_rotary_half(const void *x, const void *cs, const void *sn, void *out,
                                             long long rows, int per_row, int width, int transpose, unsigned types) {
    const bool bx = type_bit(types, 0), bc = type_bit(types, 1), bs = type_bit(types, 2), bo = type_bit(types, 3);
    const long long half = per_row / 2;
    const long long pairs = rows * half;
    const long long tid = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long stride = (long long) gridDim.x * blockDim.x;
    const float sign = transpose ? -1.f : 1.f;
    if (width % 8 == 0 && aligned16(x) && aligned16(cs) && aligned16(sn) && aligned16(out)) {
        for (long long i = tid; i < pairs / 8; i += stride) {
            const long long p = i * 8;
            const long long row = p / half;
            const long long q = p - row * half;
            const long long g = q / width;
            const long long j = q - g * width;
            rotate_half<8>(x, cs, sn, out, row * per_row + g * 2 * width + j, width, row * width + j, sign, bx, bc,
                           bs, bo);
        }
    } else {
        for (long long p = tid; p < pairs; p += stride) {
            const long long row = p / half;
            const long long q = p - row * half;
            const long long g = q / width;
            const long long j = q - g * width;
            rotate_half<1>(x, cs, sn, out, row * per_row + g * 2 * width + j, width, row * width + j, sign, bx, bc,
                           bs, bo);
        }
    }
}
