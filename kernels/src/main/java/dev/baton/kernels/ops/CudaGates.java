package dev.baton.kernels.ops;

import dev.baton.kernels.driver.CudaKernel;
import dev.baton.kernels.driver.CudaModule;
import dev.baton.kernels.driver.CudaStream;
import dev.baton.kernels.driver.DeviceBuffer;
import dev.baton.kernels.driver.DeviceProperties;
import dev.baton.kernels.driver.KernelArgs;
import dev.baton.kernels.driver.LaunchShape;
import dev.baton.runtime.tensor.Tensor;

import static dev.baton.kernels.ops.CudaArgs.address;

/**
 * The sigmoid gates and gated products of {@code gates.cu}. The gate weight gradient is a
 * deterministic grid reduction; this class owns its partials and arrival counter (calls on one
 * stream never overlap).
 */
final class CudaGates implements AutoCloseable {
    static final int MAX_WIDTH = 16;
    static final int MAX_GROUPS = 16;
    /** Blocks of the weight-gradient reduction (each loops over row chunks of 256). */
    static final int REDUCE_BLOCKS = 132;
    private static final int THREADS = 256;

    private final CudaModule module;
    private final DeviceProperties device;
    private final CudaStream stream;
    private final CudaKernel gateFwd;
    private final CudaKernel gateBwd;
    private final CudaKernel gatedAdd;
    private final CudaKernel gatedAddBwd;
    private final DeviceBuffer partials;
    private final DeviceBuffer counter;

    CudaGates(DeviceProperties device, CudaStream stream) {
        this.module = CudaModule.load("gates", device);
        this.device = device;
        this.stream = stream;
        this.gateFwd = module.kernel("baton_gate_fwd");
        this.gateBwd = module.kernel("baton_gate_bwd");
        this.gatedAdd = module.kernel("baton_gated_add");
        this.gatedAddBwd = module.kernel("baton_gated_add_bwd");
        this.partials = DeviceBuffer.allocate(8L * REDUCE_BLOCKS * MAX_WIDTH * MAX_GROUPS);
        this.counter = DeviceBuffer.allocate(4);
        counter.zero(0, 4, stream);
    }

    private static void checkWeight(String op, Tensor x, Tensor w) {
        int groups = w.shape().rank() == 2 ? w.shape().dim(0) : -1;
        int width = w.shape().cols();
        CudaArgs.that(groups >= 1 && groups <= MAX_GROUPS && width >= 1 && width <= MAX_WIDTH,
                op + ": gate weight " + w.shape() + " must be (G ≤ " + MAX_GROUPS + ", W ≤ " + MAX_WIDTH + ")");
        CudaArgs.that(width <= x.shape().cols(), op + ": gate width " + width + " exceeds row width " + x.shape().cols());
    }

    void gateForward(Tensor x, Tensor w, Tensor sig) {
        checkWeight("gateForward", x, w);
        long rows = x.shape().rows();
        int groups = w.shape().dim(0);
        CudaArgs.numel("gateForward", sig, rows * groups, "sig");
        if (rows == 0) {
            return;
        }
        gateFwd.launch(LaunchShape.linear((int) ((rows + THREADS - 1) / THREADS), THREADS), stream, KernelArgs.of()
                .pointer(address(x)).pointer(address(w)).pointer(address(sig)).i64(rows).i32(x.shape().cols())
                .i32(groups).i32(w.shape().cols()).i32(TypeMask.of("gateForward", x, w, sig)));
    }

    void gateBackward(Tensor x, Tensor w, Tensor sig, Tensor dgate, float scale, Tensor dx, Tensor dw) {
        checkWeight("gateBackward", x, w);
        long rows = x.shape().rows();
        int groups = w.shape().dim(0);
        CudaArgs.numel("gateBackward", sig, rows * groups, "sig");
        CudaArgs.numel("gateBackward", dgate, rows * groups, "dgate");
        if (dx != null) {
            CudaArgs.sameNumel("gateBackward", x, dx);
        }
        if (dw != null) {
            CudaArgs.sameNumel("gateBackward", w, dw);
        }
        if (rows == 0 || (dx == null && dw == null)) {
            return;
        }
        int blocks = (int) Math.min(REDUCE_BLOCKS, (rows + THREADS - 1) / THREADS);
        gateBwd.launch(LaunchShape.linear(blocks, THREADS), stream, KernelArgs.of().pointer(address(x))
                .pointer(address(w)).pointer(address(sig)).pointer(address(dgate)).f32(scale).pointer(address(dx))
                .pointer(address(dw)).i64(rows).i32(x.shape().cols()).i32(groups).i32(w.shape().cols())
                .i32(TypeMask.of("gateBackward", x, w, sig, dgate, dx, dw)).pointer(partials.address())
                .pointer(counter.address()));
    }

    /** Channels per gate group: out's elements per row over the gate's columns. */
    private static int groupWidth(String op, Tensor out, Tensor gate) {
        long cells = gate.numel();
        CudaArgs.that(cells > 0 && out.numel() % cells == 0,
                op + ": gate " + gate.shape() + " does not divide " + out.shape() + " into groups");
        long k = out.numel() / cells;
        CudaArgs.that(k <= Integer.MAX_VALUE, op + ": groups of " + k + " channels are too wide");
        return (int) k;
    }

    void gatedAdd(Tensor out, Tensor base, Tensor src, Tensor gate, float scale) {
        CudaArgs.sameNumel("gatedAdd", out, src);
        if (base != null) {
            CudaArgs.sameNumel("gatedAdd", out, base);
        }
        long n = out.numel();
        if (n == 0) {
            return;
        }
        int k = groupWidth("gatedAdd", out, gate);
        gatedAdd.launch(CudaPointwise.flat(n, device), stream, KernelArgs.of().pointer(address(out))
                .pointer(address(base)).pointer(address(src)).pointer(address(gate)).f32(scale).i64(n).i32(k)
                .i32(TypeMask.of("gatedAdd", out, base, src, gate)));
    }

    void gatedAddBackward(Tensor dout, Tensor src, Tensor gate, float scale, Tensor dsrc, boolean accumulate,
                          Tensor dgate) {
        CudaArgs.sameNumel("gatedAddBackward", dout, src);
        if (dsrc != null) {
            CudaArgs.sameNumel("gatedAddBackward", dout, dsrc);
        }
        if (dgate != null) {
            CudaArgs.sameNumel("gatedAddBackward", gate, dgate);
        }
        long count = gate.numel();
        if (count == 0 || (dsrc == null && dgate == null)) {
            return;
        }
        int k = groupWidth("gatedAddBackward", dout, gate);
        int lanes = RowLanes.forRow(k);
        gatedAddBwd.launch(RowLanes.shape(count, lanes), stream, KernelArgs.of().pointer(address(dout))
                .pointer(address(src)).pointer(address(gate)).f32(scale).pointer(address(dsrc))
                .i32(accumulate ? 1 : 0).pointer(address(dgate)).i64(count).i32(k).i32(lanes)
                .i32(TypeMask.of("gatedAddBackward", dout, src, gate, dsrc, dgate)));
    }

    @Override
    public void close() {
        module.close();
        partials.close();
        counter.close();
    }
}
