// Weight-less RMS norm over rows (F.rms_norm of the record): forward keeping 1/rms per row in
// fp32, backward recomputing y = x·rstd. fp32 arithmetic whatever the storage type.
//
// A group of `lanes` threads (a power of two up to 32, chosen by the host so that each lane gets
// about one 8-element chunk per pass, see RowLanes) owns one row: lane l takes chunks l, l+lanes,
// ..., sums its share, and the group sums by shuffles. The second pass re-reads the row, which
// the first pass has just brought into L1, so device memory sees one read per input element.
#include "typed_access.cuh"

using namespace baton;

namespace {

template <int V>
__device__ __forceinline__ void norm_forward_row(const void *x, void *out, float *rstd, long long row, int cols,
                                                 int lane, int lanes, bool valid, bool bx, bool bo, float eps) {
    const long long base = row * cols;
    float ss = 0.f;
    if (valid) {
        for (int c = lane * V; c < cols; c += lanes * V) {
            float v[V];
            loadv<V>(x, bx, base + c, v);
#pragma unroll
            for (int k = 0; k < V; k++) {
                ss = fmaf(v[k], v[k], ss);
            }
        }
    }
    ss = group_sum(ss, lanes);
    if (!valid) {
        return;
    }
    const float r = 1.0f / sqrtf(ss / (float) cols + eps);
    if (lane == 0) {
        rstd[row] = r;
    }
    for (int c = lane * V; c < cols; c += lanes * V) {
        float v[V];
        loadv<V>(x, bx, base + c, v);
#pragma unroll
        for (int k = 0; k < V; k++) {
            v[k] *= r;
        }
        storev<V>(out, bo, base + c, v);
    }
}

template <int V>
__device__ __forceinline__ void norm_backward_row(const void *x, const float *rstd, const void *dout, void *dx,
                                                  long long row, int cols, int lane, int lanes, bool valid,
                                                  bool accumulate, bool bx, bool bd, bool bg) {
    const long long base = row * cols;
    const float r = valid ? rstd[row] : 0.f;
    float dot = 0.f;
    if (valid) {
        for (int c = lane * V; c < cols; c += lanes * V) {
            float vx[V], vd[V];
            loadv<V>(x, bx, base + c, vx);
            loadv<V>(dout, bd, base + c, vd);
#pragma unroll
            for (int k = 0; k < V; k++) {
                dot = fmaf(vd[k], vx[k] * r, dot);
            }
        }
    }
    dot = group_sum(dot, lanes);
    if (!valid) {
        return;
    }
    const float mean = dot / (float) cols;
    for (int c = lane * V; c < cols; c += lanes * V) {
        float vx[V], vd[V], g[V];
        loadv<V>(x, bx, base + c, vx);
        loadv<V>(dout, bd, base + c, vd);
        if (accumulate) {
            loadv<V>(dx, bg, base + c, g);
        }
#pragma unroll
        for (int k = 0; k < V; k++) {
            const float v = r * (vd[k] - vx[k] * r * mean);
            g[k] = accumulate ? g[k] + v : v;
        }
        storev<V>(dx, bg, base + c, g);
    }
}

} // namespace

// out = x · rstd, rstd[r] = 1/sqrt(mean(x[r]²) + eps). types: bit 0 x, 1 out. out may be x.
extern "C" __global__ void baton_rmsnorm_fwd(const void *x, void *out, float *rstd, long long rows, int cols,
                                             int lanes, float eps, unsigned types) {
    const long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long row = t / lanes;
    const int lane = (int) (t % lanes);
    const bool valid = row < rows;
    const bool bx = type_bit(types, 0), bo = type_bit(types, 1);
    if (cols % 8 == 0 && aligned16(x) && aligned16(out)) {
        norm_forward_row<8>(x, out, rstd, row, cols, lane, lanes, valid, bx, bo, eps);
    } else {
        norm_forward_row<1>(x, out, rstd, row, cols, lane, lanes, valid, bx, bo, eps);
    }
}

// dx (= or +=) rstd · (dout − y · mean(dout · y)), y = x · rstd. types: bit 0 x, 1 dout, 2 dx.
// dx may be dout (each element is read by the thread that later writes it).
extern "C" __global__ void baton_rmsnorm_bwd(const void *x, const float *rstd, const void *dout, void *dx,
                                             long long rows, int cols, int lanes, int accumulate, unsigned types) {
    const long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long row = t / lanes;
    const int lane = (int) (t % lanes);
    const bool valid = row < rows;
    const bool bx = type_bit(types, 0), bd = type_bit(types, 1), bg = type_bit(types, 2);
    if (cols % 8 == 0 && aligned16(x) && aligned16(dout) && aligned16(dx)) {
        norm_backward_row<8>(x, rstd, dout, dx, row, cols, lane, lanes, valid, accumulate != 0, bx, bd, bg);
    } else {
        norm_backward_row<1>(x, rstd, dout, dx, row, cols, lane, lanes, valid, accumulate != 0, bx, bd, bg);
    }
}
