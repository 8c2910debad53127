// Token embedding gather and its scatter-add backward (embed and the value-embedding tables).
//
// The backward is atomic, not deterministic: rows of the same token add into one table row in
// whatever order the blocks run, so the fp32 sums may differ in the last bits between runs (as
// PyTorch's embedding backward does on GPUs). With an fp32 table gradient every 8 elements take
// two 16-byte vector atomics (red.global.add.v4.f32, Hopper), which keeps the 37.7M additions of a
// record micro-batch near the cost of one pass over the rows. A deterministic variant would sort
// the ids first (counting sort over the vocabulary) and sum each token's rows in order.
#include "typed_access.cuh"

using namespace baton;

namespace {

template <int V>
__device__ __forceinline__ void gather_row(const void *table, void *out, long long src, long long dst, int cols,
                                           int lane, int lanes, bool bad, bool bt, bool bo) {
    for (int c = lane * V; c < cols; c += lanes * V) {
        float v[V];
        if (bad) {
#pragma unroll
            for (int k = 0; k < V; k++) {
                v[k] = __int_as_float(0x7fc00000);
            }
        } else {
            loadv<V>(table, bt, src + c, v);
        }
        storev<V>(out, bo, dst + c, v);
    }
}

} // namespace

// out[n, :] = table[ids[n], :]; a row whose id lies outside [0, vocab) is filled with NaN, so that a
// bad token shows up in the loss instead of reading foreign memory. types: bit 0 table, 1 out.
extern "C" __global__ void baton_embedding_fwd(const void *table, const int *ids, void *out, long long n, int cols,
                                               int vocab, int lanes, unsigned types) {
    const long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long row = t / lanes;
    const int lane = (int) (t % lanes);
    if (row >= n) {
        return;
    }
    const int id = ids[row];
    const bool bad = id < 0 || id >= vocab;
    const long long src = bad ? 0 : (long long) id * cols;
    const bool bt = type_bit(types, 0), bo = type_bit(types, 1);
    if (cols % 8 == 0 && aligned16(table) && aligned16(out)) {
        gather_row<8>(table, out, src, row * cols, cols, lane, lanes, bad, bt, bo);
    } else {
        gather_row<1>(table, out, src, row * cols, cols, lane, lanes, bad, bt, bo);
    }
}

// dtable[ids[n], :] += dout[n, :] with atomics; ids outside [0, vocab) are skipped.
// types: bit 0 dout, 1 dtable.
extern "C" __global__ void baton_embedding_bwd(const void *dout, const int *ids, void *dtable, long long n, int cols,
                                               int vocab, int lanes, unsigned types) {
    const long long t = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    const long long row = t / lanes;
    const int lane = (int) (t % lanes);
    if (row >= n) {
        return;
    }
    const int id = ids[row];
    if (id < 0 || id >= vocab) {
        return;
    }
    const bool bd = type_bit(types, 0), bt = type_bit(types, 1);
    const long long src = row * cols;
    const long long dst = (long long) id * cols;
    if (cols % 8 == 0 && aligned16(dout) && aligned16(dtable)) {
        for (int c = lane * 8; c < cols; c += lanes * 8) {
            float v[8];
            load8(dout, bd, src + c, v);
            if (bt) {
                __nv_bfloat162 *p = reinterpret_cast<__nv_bfloat162 *>(static_cast<bf16 *>(dtable) + dst + c);
#pragma unroll
                for (int k = 0; k < 4; k++) {
                    atomicAdd(p + k, __floats2bfloat162_rn(v[2 * k], v[2 * k + 1]));
                }
            } else {
                float4 *p = reinterpret_cast<float4 *>(static_cast<float *>(dtable) + dst + c);
                atomicAdd(p, make_float4(v[0], v[1], v[2], v[3]));
                atomicAdd(p + 1, make_float4(v[4], v[5], v[6], v[7]));
            }
        }
    } else {
        for (int c = lane; c < cols; c += lanes) {
            const float v = load1(dout, bd, src + c);
            if (bt) {
                atomicAdd(static_cast<bf16 *>(dtable) + dst + c, __float2bfloat16_rn(v));
            } else {
                atomicAdd(static_cast<float *>(dtable) + dst + c, v);
            }
        }
    }
}
