// Learned per-channel (or per-group) scales of the parameter-golf model (ScaleOps): attn_scale,
// mlp_scale, the two rows of resid_mix, skip_weights and the per-head q_gain.
//
// Tensors are rows of C channels; the scale has P elements, K = C / P channels per scale, and
// channel c uses scale[c / K].
//   forward   out = base + scale[c/K] · src        (base optional; out may be base or src)
//   backward  dsrc (=|+=) scale[c/K] · dout,  dscale[p] += Σ_r Σ_{c/K = p} dout · src
// The backward is one pass: each thread owns V consecutive channels of a stripe of rows, keeps
// their dout·src sums in registers, and every block folds its sums into P shared-memory totals,
// then adds those to dscale with P global atomics (fp32; the order of blocks varies, so dscale may
// differ between runs in its last bits, as an atomic PyTorch reduction does). dsrc may alias dout:
// each element is read before the same thread writes it.
#include "typed_access.cuh"

using namespace baton;

namespace {

template <int V>
__device__ __forceinline__ void scale_values(const void *scale, bool bk, int c, int group, float (&k)[V]) {
#pragma unroll
    for (int j = 0; j < V; j++) {
        k[j] = load1(scale, bk, (c + j) / group);
    }
}

template <int V>
__device__ __forceinline__ void scaled_add_chunk(void *out, const void *base, const void *src, const void *scale,
                                                 long long e, int cols, int group, bool bo, bool bb, bool bs,
                                                 bool bk) {
    float s[V], k[V], o[V];
    loadv<V>(src, bs, e, s);
    scale_values<V>(scale, bk, (int) (e % cols), group, k);
    if (base != nullptr) {
        float b[V];
        loadv<V>(base, bb, e, b);
#pragma unroll
        for (int j = 0; j < V; j++) {
            o[j] = b[j] + k[j] * s[j];
        }
    } else {
#pragma unroll
        for (int j = 0; j < V; j++) {
            o[j] = k[j] * s[j];
        }
    }
    storev<V>(out, bo, e, o);
}

// One block's stripe of rows [r0, r1): V channels per thread, `lanes` rows at a time.
template <int V>
__device__ __forceinline__ void scaled_add_bwd_stripe(const void *dout, const void *src, const void *scale, void *dsrc,
                                                      float *shared_sums, long long r0, long long r1, int cols,
                                                      int group, bool accumulate, bool want_dscale, bool bg, bool bx,
                                                      bool bk, bool bd) {
    const int units = cols / V;
    const int width = units < (int) blockDim.x ? units : (int) blockDim.x;
    const int lanes = (int) blockDim.x / width;
    const int lane = (int) threadIdx.x / width;
    if (lane >= lanes) {
        return;
    }
    for (int u = (int) threadIdx.x % width; u < units; u += width) {
        const int c = u * V;
        float k[V], acc[V];
        scale_values<V>(scale, bk, c, group, k);
#pragma unroll
        for (int j = 0; j < V; j++) {
            acc[j] = 0.f;
        }
        for (long long r = r0 + lane; r < r1; r += lanes) {
            const long long e = r * cols + c;
            float g[V];
            loadv<V>(dout, bg, e, g);
            if (want_dscale) {
                float x[V];
                loadv<V>(src, bx, e, x);
#pragma unroll
                for (int j = 0; j < V; j++) {
                    acc[j] = fmaf(g[j], x[j], acc[j]);
                }
            }
            if (dsrc != nullptr) {
                float o[V];
                if (accumulate) {
                    loadv<V>(dsrc, bd, e, o);
#pragma unroll
                    for (int j = 0; j < V; j++) {
                        o[j] = fmaf(k[j], g[j], o[j]);
                    }
                } else {
#pragma unroll
                    for (int j = 0; j < V; j++) {
                        o[j] = k[j] * g[j];
                    }
                }
                storev<V>(dsrc, bd, e, o);
            }
        }
        if (want_dscale) {
            // a thread's V channels fall into at most two groups when V <= group, V groups otherwise
#pragma unroll
            for (int j = 0; j < V; j++) {
                atomicAdd(shared_sums + (c + j) / group, acc[j]);
            }
        }
    }
}

} // namespace

// types: bit 0 out, 1 base, 2 src, 3 scale. base may be null.
extern "C" __global__ void baton_scaled_add(void *out, const void *base, const void *src, const void *scale,
                                            long long n, int cols, int group, unsigned types) {
    const bool bo = type_bit(types, 0), bb = type_bit(types, 1), bs = type_bit(types, 2), bk = type_bit(types, 3);
    const long long tid = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long stride = (long long) gridDim.x * blockDim.x;
    if (cols % 8 == 0 && aligned16(out) && aligned16(src) && (base == nullptr || aligned16(base))) {
        for (long long i = tid; i < n / 8; i += stride) {
            scaled_add_chunk<8>(out, base, src, scale, i * 8, cols, group, bo, bb, bs, bk);
        }
    } else {
        for (long long i = tid; i < n; i += stride) {
            scaled_add_chunk<1>(out, base, src, scale, i, cols, group, bo, bb, bs, bk);
        }
    }
}

// Rows are split into gridDim.x contiguous stripes. Dynamic shared memory: P floats (when dscale
// is present). dsrc and dscale may each be null. types: bit 0 dout, 1 src, 2 scale, 3 dsrc.
// dscale is fp32.
extern "C" __global__ void baton_scaled_add_bwd(const void *dout, const void *src, const void *scale, void *dsrc,
                                                float *dscale, long long rows, int cols, int scales, int accumulate,
                                                unsigned types) {
    extern __shared__ float sums[];
    const bool bg = type_bit(types, 0), bx = type_bit(types, 1), bk = type_bit(types, 2), bd = type_bit(types, 3);
    const bool want_dscale = dscale != nullptr;
    const int group = cols / scales;
    if (want_dscale) {
        for (int p = threadIdx.x; p < scales; p += blockDim.x) {
            sums[p] = 0.f;
        }
        __syncthreads();
    }
    const long long per_block = (rows + gridDim.x - 1) / gridDim.x;
    const long long r0 = blockIdx.x * per_block;
    const long long r1 = r0 + per_block < rows ? r0 + per_block : rows;
    const bool vector = cols % 8 == 0 && aligned16(dout) && (!want_dscale || aligned16(src))
            && (dsrc == nullptr || aligned16(dsrc));
    if (r0 < r1) {
        if (vector) {
            scaled_add_bwd_stripe<8>(dout, src, scale, dsrc, sums, r0, r1, cols, group, accumulate != 0, want_dscale,
                                     bg, bx, bk, bd);
        } else {
            scaled_add_bwd_stripe<1>(dout, src, scale, dsrc, sums, r0, r1, cols, group, accumulate != 0, want_dscale,
                                     bg, bx, bk, bd);
        }
    }
    if (want_dscale) {
        __syncthreads();
        for (int p = threadIdx.x; p < scales; p += blockDim.x) {
            atomicAdd(dscale + p, sums[p]);
        }
    }
}
