package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceBuffer;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.kernels.tensor.CudaTensor;

import java.util.HashMap;
import java.util.Map;

/**
 * Causal sliding-window, document-masked attention on the GPU ({@code attention.cu}), with the
 * semantics of {@code AttentionOps}: q, k, v, out of shape (S, G, D) in bf16, lse in fp32
 * (natural log), query s sees key j iff both lie in one document of
 * {@code [seqScale·cu[d], seqScale·cu[d+1])}, j <= s and s - j <= window. CudaOps delegates
 * its attention calls here.
 *
 * <p>Owns the loaded module and the fp32 dq accumulator of the tiled backward (grown on demand,
 * freed in {@link #close()}). Launches are asynchronous on the caller's stream; one instance
 * serves one stream at a time, since the accumulator is shared between calls.
 */
public final class CudaAttention implements AutoCloseable {
    private final CudaModule module;
    private final DeviceProperties device;
    private final AttentionTiling tiling;
    private final Map<String, CudaKernel> kernels = new HashMap<>();
    private DeviceBuffer dqAccumulator = DeviceBuffer.allocate(0);

    private CudaAttention(CudaModule module, DeviceProperties device, AttentionTiling tiling) {
        this.module = module;
        this.device = device;
        this.tiling = tiling;
    }

    /** Loads {@code attention}'s best image for {@code device} (current context) with the default tiling. */
    public static CudaAttention load(DeviceProperties device) {
        return load(device, AttentionTiling.DEFAULT);
    }

    public static CudaAttention load(DeviceProperties device, AttentionTiling tiling) {
        return new CudaAttention(CudaModule.load("attention", device), device, tiling);
    }

    public AttentionTiling tiling() {
        return tiling;
    }

    /** The image the module was loaded from. */
    public String image() {
        return module.image();
    }

    /** out and lse of {@code AttentionOps.attentionForward}; enqueued on {@code stream}. */
    public void forward(CudaTensor q, CudaTensor k, CudaTensor v, CudaTensor cuSeqlens, int seqScale, int window,
                        float scale, CudaTensor out, CudaTensor lse, CudaStream stream) {
        AttentionShape s = AttentionShape.forward(q, k, v, cuSeqlens, seqScale, window, out, lse);
        if (s.seq() == 0 || s.groups() == 0) {
            return;
        }
        int warps = AttentionLaunches.forwardWarps(s, tiling, aligned(q, k, v, out));
        int tiles = tiling.forwardRowTiles();
        int shared = warps == 0 ? 0 : AttentionLaunches.forwardSharedBytes(s.dim(), warps, tiles);
        kernel(AttentionLaunches.forwardKernel(s, warps, tiles), shared)
                .launch(AttentionLaunches.forward(s, warps, tiles), stream, KernelArgs.of()
                        .pointer(q.address()).pointer(k.address()).pointer(v.address())
                        .pointer(cuSeqlens.address()).i32(s.cuEntries()).i32(s.seqScale()).i32(s.seq())
                        .i32(s.groups()).i32(s.window()).f32(scale)
                        .pointer(out.address()).pointer(lse.address()));
    }

    /**
     * dq, dk, dv of {@code AttentionOps.attentionBackward} from the saved out and lse; delta
     * (S·G fp32) is the caller's workspace and holds rowsum(dout·out) afterwards.
     */
    public void backward(CudaTensor q, CudaTensor k, CudaTensor v, CudaTensor out, CudaTensor lse, CudaTensor dout,
                         CudaTensor cuSeqlens, int seqScale, int window, float scale,
                         CudaTensor dq, CudaTensor dk, CudaTensor dv, CudaTensor delta, CudaStream stream) {
        AttentionShape s = AttentionShape.backward(q, k, v, out, lse, dout, cuSeqlens, seqScale, window, dq, dk, dv,
                delta);
        if (s.seq() == 0 || s.groups() == 0) {
            return;
        }
        int warps = AttentionLaunches.backwardWarps(s, tiling, aligned(q, k, v, out, dout, dq, dk, dv));
        if (warps == 0) {
            backwardSimple(s, q, k, v, out, lse, dout, cuSeqlens, scale, dq, dk, dv, delta, stream);
            return;
        }
        long accBytes = AttentionLaunches.dqWorkspaceBytes(s);
        if (dqAccumulator.bytes() < accBytes) {
            dqAccumulator.close();
            dqAccumulator = DeviceBuffer.allocate(accBytes);
        }
        long acc = dqAccumulator.address();
        kernel("baton_attn_bwd_pre", 0).launch(AttentionLaunches.backwardPre(s), stream, KernelArgs.of()
                .pointer(out.address()).pointer(dout.address()).i64(s.rows()).i32(s.dim())
                .pointer(delta.address()).pointer(acc));
        kernel(AttentionLaunches.backwardKernel(s, warps), AttentionLaunches.backwardSharedBytes(s.dim(), warps))
                .launch(AttentionLaunches.backward(s, warps), stream, KernelArgs.of()
                        .pointer(q.address()).pointer(k.address()).pointer(v.address()).pointer(dout.address())
                        .pointer(lse.address()).pointer(delta.address())
                        .pointer(cuSeqlens.address()).i32(s.cuEntries()).i32(s.seqScale()).i32(s.seq())
                        .i32(s.groups()).i32(s.window()).f32(scale)
                        .pointer(acc).pointer(dk.address()).pointer(dv.address()));
        kernel("baton_attn_dq_convert", 0).launch(AttentionLaunches.dqConvert(s, device.multiprocessors()), stream,
                KernelArgs.of().pointer(acc).i64(s.elements()).f32(scale).pointer(dq.address()));
    }

    private void backwardSimple(AttentionShape s, CudaTensor q, CudaTensor k, CudaTensor v, CudaTensor out,
                                CudaTensor lse, CudaTensor dout, CudaTensor cuSeqlens, float scale,
                                CudaTensor dq, CudaTensor dk, CudaTensor dv, CudaTensor delta, CudaStream stream) {
        kernel(AttentionLaunches.simpleQueryKernel(s), 0).launch(AttentionLaunches.simple(s), stream, KernelArgs.of()
                .pointer(q.address()).pointer(k.address()).pointer(v.address()).pointer(out.address())
                .pointer(lse.address()).pointer(dout.address())
                .pointer(cuSeqlens.address()).i32(s.cuEntries()).i32(s.seqScale()).i32(s.seq())
                .i32(s.groups()).i32(s.window()).f32(scale)
                .pointer(dq.address()).pointer(delta.address()));
        // runs after the query kernel on the stream, so delta is complete
        kernel(AttentionLaunches.simpleKeyKernel(s), 0).launch(AttentionLaunches.simple(s), stream, KernelArgs.of()
                .pointer(q.address()).pointer(k.address()).pointer(v.address())
                .pointer(lse.address()).pointer(dout.address()).pointer(delta.address())
                .pointer(cuSeqlens.address()).i32(s.cuEntries()).i32(s.seqScale()).i32(s.seq())
                .i32(s.groups()).i32(s.window()).f32(scale)
                .pointer(dk.address()).pointer(dv.address()));
    }

    /** The tiled kernels copy rows in 16-byte pieces. */
    private static boolean aligned(CudaTensor... tensors) {
        for (CudaTensor t : tensors) {
            if ((t.address() & 15) != 0) {
                return false;
            }
        }
        return true;
    }

    private CudaKernel kernel(String name, int sharedBytes) {
        CudaKernel k = kernels.get(name);
        if (k == null) {
            if (sharedBytes > device.maxSharedMemoryPerBlockOptin()) {
                throw new IllegalStateException(name + " needs " + sharedBytes + " B of shared memory per block; "
                        + device.name() + " allows " + device.maxSharedMemoryPerBlockOptin()
                        + " (use AttentionTiling.SIMPLE or fewer warps)");
            }
            k = module.kernel(name);
            if (sharedBytes > 48 * 1024) {
                k.allowDynamicSharedMemory(sharedBytes);
            }
            kernels.put(name, k);
        }
        return k;
    }

    @Override
    public void close() {
        dqAccumulator.close();
        module.close();
    }
}
