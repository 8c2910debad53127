// The record's small sigmoid gates and the gated products they feed (attention output gate,
// value-embedding gate, skip gate, smear gate), forward and backward with their small dot
// products. A gate reads the first W (12) channels of a row against a (G, W) weight; the products
// scale groups of K = C/G channels of a row by the group's gate.
//
// The weight gradient of a gate is a reduction over every row into G·W (at most 256) sums; it is
// deterministic: a fixed grid of blocks, per-block partial sums in fixed order, and the last
// block adding the partials in block order (fp64).
#include "typed_access.cuh"

using namespace baton;

namespace {

constexpr int kRows = 256;     // rows per block chunk = threads per block
constexpr int kMaxWidth = 16;  // W
constexpr int kMaxGroups = 16; // G

} // namespace

// sig[r, g] = σ(Σ_{c<W} x[r, c]·w[g, c]). types: bit 0 x, 1 w, 2 sig.
extern "C" __global__ void __launch_bounds__(kRows) baton_gate_fwd(const void *x, const void *w, void *sig,
                                                                   long long rows, int cols, int groups, int width,
                                                                   unsigned types) {
    __shared__ float ws[kMaxGroups * kMaxWidth];
    const bool bx = type_bit(types, 0), bw = type_bit(types, 1), bs = type_bit(types, 2);
    for (int i = threadIdx.x; i < groups * width; i += blockDim.x) {
        ws[i] = load1(w, bw, i);
    }
    __syncthreads();
    const long long r = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    if (r >= rows) {
        return;
    }
    float xr[kMaxWidth];
#pragma unroll
    for (int c = 0; c < kMaxWidth; c++) {
        xr[c] = c < width ? load1(x, bx, r * cols + c) : 0.f;
    }
    for (int g = 0; g < groups; g++) {
        float z = 0.f;
#pragma unroll
        for (int c = 0; c < kMaxWidth; c++) {
            if (c < width) {
                z = fmaf(xr[c], ws[g * width + c], z);
            }
        }
        store1(sig, bs, r * groups + g, sigmoidf(z));
    }
}

// With dz[r,g] = scale·dgate[r,g]·sig·(1 − sig): dx[r, c<W] += Σ_g dz·w[g,c] (dx may be null) and
// dw[g,c] += Σ_r dz·x[r,c] (dw may be null). types: bit 0 x, 1 w, 2 sig, 3 dgate, 4 dx, 5 dw.
// partials: gridDim.x·G·W doubles; counter: one zeroed word.
extern "C" __global__ void __launch_bounds__(kRows) baton_gate_bwd(const void *x, const void *w, const void *sig,
                                                                   const void *dgate, float scale, void *dx, void *dw,
                                                                   long long rows, int cols, int groups, int width,
                                                                   unsigned types, double *partials,
                                                                   unsigned int *counter) {
    __shared__ float ws[kMaxGroups * kMaxWidth];
    __shared__ float xs[kRows][kMaxWidth + 1];
    __shared__ float dzs[kRows][kMaxGroups + 1];
    __shared__ bool last;
    const bool bx = type_bit(types, 0), bw = type_bit(types, 1), bs = type_bit(types, 2);
    const bool bdg = type_bit(types, 3), bdx = type_bit(types, 4), bdw = type_bit(types, 5);
    const int outputs = groups * width;
    for (int i = threadIdx.x; i < outputs; i += blockDim.x) {
        ws[i] = load1(w, bw, i);
    }
    const int tid = threadIdx.x;
    const int og = tid / width, oc = tid % width; // this thread's dw entry when tid < outputs
    double acc = 0.0;
    for (long long chunk = blockIdx.x; chunk * kRows < rows; chunk += gridDim.x) {
        __syncthreads();
        const long long r = chunk * kRows + tid;
        if (r < rows) {
            float dxr[kMaxWidth];
#pragma unroll
            for (int c = 0; c < kMaxWidth; c++) {
                dxr[c] = 0.f;
                if (c < width) {
                    xs[tid][c] = load1(x, bx, r * cols + c);
                }
            }
            for (int g = 0; g < groups; g++) {
                const float s = load1(sig, bs, r * groups + g);
                const float dz = scale * load1(dgate, bdg, r * groups + g) * s * (1.f - s);
                dzs[tid][g] = dz;
#pragma unroll
                for (int c = 0; c < kMaxWidth; c++) {
                    if (c < width) {
                        dxr[c] = fmaf(dz, ws[g * width + c], dxr[c]);
                    }
                }
            }
            if (dx != nullptr) {
#pragma unroll
                for (int c = 0; c < kMaxWidth; c++) {
                    if (c < width) {
                        const long long at = r * cols + c;
                        store1(dx, bdx, at, load1(dx, bdx, at) + dxr[c]);
                    }
                }
            }
        }
        __syncthreads();
        if (dw != nullptr && tid < outputs) {
            const int n = (int) min((long long) kRows, rows - chunk * kRows);
            float part = 0.f;
            for (int i = 0; i < n; i++) {
                part = fmaf(dzs[i][og], xs[i][oc], part);
            }
            acc += part;
        }
    }
    if (dw == nullptr) {
        return;
    }
    if (tid < outputs) {
        partials[(long long) blockIdx.x * outputs + tid] = acc;
    }
    __syncthreads();
    if (tid == 0) {
        last = arrive_last(counter);
    }
    __syncthreads();
    if (last && tid < outputs) {
        double total = 0.0;
#pragma unroll 8
        for (unsigned int b = 0; b < gridDim.x; b++) {
            total += __ldcg(partials + (long long) b * outputs + tid);
        }
        store1(dw, bdw, tid, load1(dw, bdw, tid) + (float) total);
        if (tid == 0) {
            *counter = 0u;
        }
    }
}

// out[r, g·K + j] = base[r, g·K + j] + scale·gate[r, g]·src[r, g·K + j]; base may be null; out may be
// base. types: bit 0 out, 1 base, 2 src, 3 gate.
extern "C" __global__ void baton_gated_add(void *out, const void *base, const void *src, const void *gate,
                                           float scale, long long n, int k, unsigned types) {
    const bool bo = type_bit(types, 0), bb = type_bit(types, 1), bs = type_bit(types, 2), bg = type_bit(types, 3);
    const long long tid = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long stride = (long long) gridDim.x * blockDim.x;
    const bool vec = k % 8 == 0 && aligned16(out) && aligned16(src) && (base == nullptr || aligned16(base));
    const long long n8 = vec ? n / 8 : 0;
    for (long long i = tid; i < n8; i += stride) {
        const long long e = i * 8;
        const float m = scale * load1(gate, bg, e / k);
        float s[8], b[8];
        load8(src, bs, e, s);
        if (base != nullptr) {
            load8(base, bb, e, b);
        }
#pragma unroll
        for (int j = 0; j < 8; j++) {
            s[j] = base != nullptr ? b[j] + m * s[j] : m * s[j];
        }
        store8(out, bo, e, s);
    }
    for (long long e = n8 * 8 + tid; e < n; e += stride) {
        const float v = scale * load1(gate, bg, e / k) * load1(src, bs, e);
        store1(out, bo, e, base != nullptr ? load1(base, bb, e) + v : v);
    }
}

namespace {

template <int V>
__device__ __forceinline__ void gated_add_bwd_group(const void *dout, const void *src, const void *gate, float scale,
                                                    void *dsrc, bool accumulate, void *dgate, long long grp, int k,
                                                    int lane, int lanes, bool valid, bool bd, bool bs, bool bg,
                                                    bool bds, bool bdg) {
    const long long base = grp * k;
    const float m = valid ? scale * load1(gate, bg, grp) : 0.f;
    float dot = 0.f;
    if (valid) {
        for (int c = lane * V; c < k; c += lanes * V) {
            float d[V];
            loadv<V>(dout, bd, base + c, d);
            if (dgate != nullptr) {
                float s[V];
                loadv<V>(src, bs, base + c, s);
#pragma unroll
                for (int j = 0; j < V; j++) {
                    dot = fmaf(d[j], s[j], dot);
                }
            }
            if (dsrc != nullptr) {
                float o[V];
                if (accumulate) {
                    loadv<V>(dsrc, bds, base + c, o);
                }
#pragma unroll
                for (int j = 0; j < V; j++) {
                    o[j] = accumulate ? o[j] + m * d[j] : m * d[j];
                }
                storev<V>(dsrc, bds, base + c, o);
            }
        }
    }
    dot = group_sum(dot, lanes);
    if (valid && lane == 0 && dgate != nullptr) {
        store1(dgate, bdg, grp, dot);
    }
}

} // namespace

// Per group (r, g) of K channels: dgate[r,g] = Σ_j dout·src (raw, unscaled; may be null) and
// dsrc (= or +=) scale·gate[r,g]·dout (may be null). One group of `lanes` threads per (r, g).
// dsrc must not overlap dout or src. types: bit 0 dout, 1 src, 2 gate, 3 dsrc, 4 dgate.
extern "C" __global__ void baton_gated_add_bwd(const void *dout, const void *src, const void *gate, float scale,
                                               void *dsrc, int accumulate, void *dgate, long long count, int k,
                                               int lanes, unsigned types) {
    const long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long grp = t / lanes;
    const int lane = (int) (t % lanes);
    const bool valid = grp < count;
    const bool bd = type_bit(types, 0), bs = type_bit(types, 1), bg = type_bit(types, 2);
    const bool bds = type_bit(types, 3), bdg = type_bit(types, 4);
    const bool acc = accumulate != 0;
    if (k % 8 == 0 && aligned16(dout) && aligned16(src) && (dsrc == nullptr || aligned16(dsrc))) {
        gated_add_bwd_group<8>(dout, src, gate, scale, dsrc, acc, dgate, grp, k, lane, lanes, valid, bd, bs, bg, bds,
                               bdg);
    } else {
        gated_add_bwd_group<1>(dout, src, gate, scale, dsrc, acc, dgate, grp, k, lane, lanes, valid, bd, bs, bg, bds,
                               bdg);
    }
}
